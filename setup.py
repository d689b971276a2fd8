"""Build hook for the optional native kernel.

Everything else lives in pyproject.toml. The C extension speeds up shingle hashing and
MinHash signatures; when no compiler is available the build goes on without it and the
pure-Python/numpy reference kernel (bit-identical results, just slower) is used instead.
The C source lives outside the package (`csrc/`): a source folder inside it named like the
module (`cleaner/_native/`) would import as a namespace package wherever the extension is
not built, and look like a stale build.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "cleaner._native",
            sources=["csrc/native.c"],
            extra_compile_args=["-O3", "-std=c99"],
            optional=True,
        )
    ]
)
