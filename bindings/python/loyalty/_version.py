# SPDX-License-Identifier: MIT
"""The package version (read by the build backend too: one source).

It follows the C library's version (include/loyalty/common.h); a test
checks that the two agree.
"""

__version__ = "1.1.0"
