"""Which BLAS library this process's PyTorch computes its matrix products with, and a refusal to time
anything on the reference one.

Debian's python3-torch is built against the system BLAS (its build says BLAS_INFO=generic), so the
library that does the work is whatever /usr/lib/x86_64-linux-gnu/libblas.so.3 points to. Installing
python3-torch alone brings only the reference implementation (libblas3), which made the learner step
about 8x slower than with OpenBLAS on the same machine (13 s against 1.4-1.7 s, 2026-12-06): a
benchmark against that would measure the library, not PyTorch. `apt-get install libopenblas0-pthread`
switches the alternative to OpenBLAS.

Import after torch: the library is known once libtorch has been loaded.
"""
import sys

REFERENCE_HINT = "/blas/libblas.so"


def loaded_blas():
    """The paths of the BLAS shared libraries mapped into this process (OpenBLAS may be mapped for LAPACK
    while the reference library answers libtorch's BLAS calls)."""
    paths = []
    with open("/proc/self/maps") as maps:
        for line in maps:
            path = line.split()[-1]
            name = path.rsplit("/", 1)[-1]
            if name.startswith(("libblas.so", "libopenblas", "libmkl_rt", "libblis")) and path not in paths:
                paths.append(path)
    return paths


def require_optimised_blas():
    """Exits with a message a person can act on if PyTorch would multiply matrices with the reference BLAS."""
    paths = loaded_blas()
    reference = [p for p in paths if REFERENCE_HINT in p]
    if reference:
        sys.exit(f"PyTorch is using the reference BLAS ({reference[0]}), which is several times slower than an "
                 "optimised one, so a timing would measure the library rather than PyTorch. Install OpenBLAS as "
                 "root (apt-get install libopenblas0-pthread) and run again.")
    return ", ".join(paths) if paths else "linked into libtorch"
