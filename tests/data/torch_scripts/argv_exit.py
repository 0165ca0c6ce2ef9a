"""How the script is run: argv, __name__, __file__, sys.path[0], exit status."""
import os
import sys

print("argv", sys.argv[1:])
print("argv0", sys.argv[0])
print("__name__", __name__)
print("__file__", os.path.basename(__file__))
print("__file__ is cwd + argv0", __file__ == os.path.join(os.getcwd(), sys.argv[0]))
print("path0 is script dir", os.path.realpath(sys.path[0]) == os.path.dirname(os.path.realpath(__file__)))
import helper_module  # found next to the script, through sys.path[0]
print("helper", helper_module.VALUE)
print("main", type(__loader__).__name__, sorted(k for k in globals() if k.startswith("__")))
if len(sys.argv) > 1 and sys.argv[1] == "exit":
    sys.exit(int(sys.argv[2]))
