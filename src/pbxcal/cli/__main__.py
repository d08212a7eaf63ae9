"""python -m pbxcal.cli"""

from . import main

main()
