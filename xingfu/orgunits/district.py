"""The real district and its 10 towns/subdistricts (../shared/domain/district.md, statistical codes 2023).

The development zone (370406405) is not among the district's 10 working towns and is left out.
"""

DISTRICT = ("370406", "山亭区", "Shanting District")

TOWNS = [
    ("370406001", "山城街道", "Shancheng Subdistrict"),
    ("370406101", "店子镇", "Dianzi Town"),
    ("370406102", "西集镇", "Xiji Town"),
    ("370406103", "桑村镇", "Sangcun Town"),
    ("370406104", "北庄镇", "Beizhuang Town"),
    ("370406105", "城头镇", "Chengtou Town"),
    ("370406106", "徐庄镇", "Xuzhuang Town"),
    ("370406107", "水泉镇", "Shuiquan Town"),
    ("370406108", "冯卯镇", "Fengmao Town"),
    ("370406109", "凫城镇", "Fucheng Town"),
]
