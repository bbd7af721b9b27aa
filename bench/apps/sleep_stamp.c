/* Sleeps without the GIL and reads the clock as the sleep ends, before the caller takes the GIL back.
 *
 * bench/apps/sleep10.py calls it through ctypes (which releases the GIL around a call) when SLEEP10_STAMP names this
 * library built as a shared object (bench/compare.py builds it where a C compiler is installed): the time from this
 * stamp to the application's next clock read is the time its thread waited for the GIL after the wait; the time from
 * the start of the wait to the stamp, less the 10 ms asked for, is how late the kernel woke it.
 */
#include <errno.h>
#include <time.h>

double sleep_stamp(double seconds) {
    struct timespec left = { (time_t)seconds, (long)((seconds - (time_t)seconds) * 1e9) };
    /* Only a signal cuts the sleep short; any other failure would repeat forever. */
    while (nanosleep(&left, &left) != 0 && errno == EINTR) {
    }
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec * 1e-9;
}
