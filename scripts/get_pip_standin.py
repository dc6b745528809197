"""Offline stand-in for the get-pip.py bootstrap that ansible-test downloads.

ansible-test --venv runs `python get_pip.py <pip args>` in each new venv. The real script comes from the
internet, which is not reachable here. This one installs pip from the interpreter's bundled wheel (ensurepip, in
a subprocess so that it does not reset PIP_CONFIG_FILE for us) and then runs pip's install with the same args.
"""
import subprocess
import sys

args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
subprocess.run([sys.executable, "-m", "ensurepip", "--upgrade", "--default-pip"], check=True, stdout=subprocess.DEVNULL)
if args:
    subprocess.run([sys.executable, "-m", "pip", "install", *args], check=True)
