/* A python executable that runs on the shared libpython, as an embedding server does.
 *
 * Distributions may build their python3 executable with the interpreter linked in statically and optimised
 * differently from the libpython3.x.so they ship (Debian 12: 12-15 % faster on the Flask benchmark). Servers that embed
 * Python (uWSGI; akkawsgi with --python-from library) load the shared library; bjoern runs on whichever executable
 * starts it. Running bjoern with this executable compares the servers on the same interpreter code. Built by
 * bench/libpython-python.sh. */
#include <Python.h>

int main(int argc, char **argv)
{
    return Py_BytesMain(argc, argv);
}
