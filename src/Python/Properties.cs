using System.Runtime.CompilerServices;

// The stack buffers used to build Python strings are always fully written before they are read; zeroing them
// first is measurable on the per-request path.
[module: SkipLocalsInit]
