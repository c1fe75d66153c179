from xingfu.cli import main

main()
