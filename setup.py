"""Build hook for the optional native kernel.

Everything else lives in pyproject.toml. The C extension speeds up shingle hashing and
MinHash signatures; when no compiler is available the build goes on without it and the
pure-Python/numpy reference kernel (bit-identical results, just slower) is used instead.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "cleaner._native",
            sources=["cleaner/_native/native.c"],
            extra_compile_args=["-O3", "-std=c99"],
            optional=True,
        )
    ]
)
