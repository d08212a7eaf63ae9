"""python -m pbxcal: the same command line as the `pbxcal` script."""

from .cli import main

main(prog_name="pbxcal")
