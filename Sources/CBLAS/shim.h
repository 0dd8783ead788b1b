#ifndef CUSTOMSRISK_CBLAS_SHIM_H
#define CUSTOMSRISK_CBLAS_SHIM_H
// OpenBLAS's cblas.h also declares openblas_set_num_threads / openblas_get_num_threads,
// which RiskLinearAlgebra uses to set BLAS threads from the library (not the environment).
#include <cblas.h>
#endif
