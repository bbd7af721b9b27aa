"""Makes PREFIX into a Python installation with no shared library, from the interpreter that runs this script.

    python3 make_python_without_library.py PREFIX

The interpreter's executable is copied to PREFIX/bin/python3; PREFIX/lib/pythonX.Y links to each entry of its standard
library except the build configuration (sysconfig's data), which is rewritten to say that the library is static, in
PREFIX/lib, as a build without --enable-shared says (pyenv's default, or a distribution's python3 without its
libpython package). Prints the executable's path. Only meaningful for an executable with the interpreter linked in.
"""
import os
import shutil
import sys
import sysconfig


def main():
    prefix = os.path.abspath(sys.argv[1])
    version = "python%d.%d" % sys.version_info[:2]
    stdlib = os.path.dirname(os.__file__)
    lib = os.path.join(prefix, "lib", version)
    os.makedirs(lib)
    os.makedirs(os.path.join(prefix, "bin"))
    data = sysconfig._get_sysconfigdata_name()
    for entry in os.listdir(stdlib):
        if not entry.startswith("_sysconfigdata"):
            os.symlink(os.path.join(stdlib, entry), os.path.join(lib, entry))
    variables = dict(sysconfig.get_config_vars())
    static = "lib%s.a" % version
    variables.update(LIBDIR=os.path.join(prefix, "lib"), LIBPL=os.path.join(prefix, "lib"), LDLIBRARY=static,
                     INSTSONAME=static, Py_ENABLE_SHARED=0, prefix=prefix, exec_prefix=prefix)
    with open(os.path.join(lib, data + ".py"), "w") as f:
        f.write("build_time_vars = %r\n" % variables)
    executable = os.path.join(prefix, "bin", "python3")
    shutil.copy2(os.path.realpath(sys.executable), executable)
    print(executable)


main()
