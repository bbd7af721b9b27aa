"""Writes the akkawsgi wheel from a self-contained publish of the server, with the Python standard library alone.

    python3 scripts/lib/make_wheel.py SERVER_DIR PACKAGE_DIR VERSION OUT_DIR

SERVER_DIR goes into the package as bin/ (bin/akkawsgi is the executable). The platform tag comes from the native
files themselves: the newest glibc symbol version any of them needs (manylinux_2_N, PEP 600) and the machine the
executable was built for. The package holds no Python extension, so the Python tag is py3 and the ABI none.
"""

import base64
import hashlib
import os
import re
import sys
import zipfile

NAME = "akkawsgi"
SUMMARY = "A WSGI application server: Django, Flask and any PEP 3333 application, with the features sites bolt on"


def platform_tag(server_dir):
    executable = os.path.join(server_dir, "akkawsgi")
    with open(executable, "rb") as f:
        head = f.read(20)
    if head[:4] != b"\x7fELF":
        sys.exit("make_wheel: %s is not a Linux executable" % executable)
    machine = int.from_bytes(head[18:20], "little")
    arch = {0x3E: "x86_64", 0xB7: "aarch64"}.get(machine)
    if arch is None:
        sys.exit("make_wheel: no wheel platform tag for ELF machine %#x" % machine)
    versions = []
    for path, _ in server_files(server_dir):
        with open(path, "rb") as f:
            data = f.read()
        if data[:4] == b"\x7fELF":
            versions += [int(m) for m in re.findall(rb"GLIBC_2\.(\d+)", data)]
    if not versions:
        sys.exit("make_wheel: %s names no glibc version; cannot choose a manylinux tag" % server_dir)
    return "manylinux_2_%d_%s" % (max(versions), arch)


def server_files(server_dir):
    """(path, name under bin/) of every file of the publish, in a stable order."""
    found = []
    for root, dirs, names in os.walk(server_dir):
        dirs.sort()
        for name in sorted(names):
            path = os.path.join(root, name)
            found.append((path, os.path.relpath(path, server_dir)))
    return found


def digest(data):
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode("ascii")


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    server_dir, package_dir, version, out_dir = sys.argv[1:]
    tag = "py3-none-" + platform_tag(server_dir)
    dist_info = "%s-%s.dist-info" % (NAME, version)
    wheel_name = "%s-%s-%s.whl" % (NAME, version, tag)

    files = []  # (name in the wheel, bytes, mode)
    for entry in sorted(os.listdir(package_dir)):
        path = os.path.join(package_dir, entry)
        if entry.endswith(".py") and os.path.isfile(path):
            with open(path, "rb") as f:
                files.append(("%s/%s" % (NAME, entry), f.read(), 0o644))
    for path, name in server_files(server_dir):
        with open(path, "rb") as f:
            # pip keeps the executable bit, which the executable needs and the libraries may keep.
            files.append(("%s/bin/%s" % (NAME, name), f.read(), 0o755 if os.access(path, os.X_OK) else 0o644))

    metadata = "\n".join([
        "Metadata-Version: 2.1",
        "Name: " + NAME,
        "Version: " + version,
        "Summary: " + SUMMARY,
        "Requires-Python: >=3.11",
        "License: see the project's repository",
        "Classifier: Programming Language :: Python :: 3",
        "Classifier: Operating System :: POSIX :: Linux",
        "Classifier: Topic :: Internet :: WWW/HTTP :: WSGI :: Server",
        "",
        "The server with the .NET runtime it needs, started by the `akkawsgi` command or `python -m akkawsgi`",
        "on the Python it is installed for. See the project's README.",
        "",
    ])
    wheel = "\n".join([
        "Wheel-Version: 1.0",
        "Generator: akkawsgi scripts/lib/make_wheel.py",
        "Root-Is-Purelib: false",
        "Tag: " + tag,
        "",
    ])
    entry_points = "[console_scripts]\nakkawsgi = akkawsgi.__main__:main\n"
    files += [
        (dist_info + "/METADATA", metadata.encode("utf-8"), 0o644),
        (dist_info + "/WHEEL", wheel.encode("utf-8"), 0o644),
        (dist_info + "/entry_points.txt", entry_points.encode("utf-8"), 0o644),
    ]
    record = "".join("%s,%s,%d\n" % (name, digest(data), len(data)) for name, data, _ in files)
    record += dist_info + "/RECORD,,\n"
    files.append((dist_info + "/RECORD", record.encode("utf-8"), 0o644))

    os.makedirs(out_dir, exist_ok=True)
    target = os.path.join(out_dir, wheel_name)
    with zipfile.ZipFile(target + ".tmp", "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name, data, mode in files:
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.external_attr = (0o100000 | mode) << 16  # a regular file; pip keeps the executable bit
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    os.replace(target + ".tmp", target)
    print(target)


if __name__ == "__main__":
    main()
