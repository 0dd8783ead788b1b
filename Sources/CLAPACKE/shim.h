#ifndef CUSTOMSRISK_CLAPACKE_SHIM_H
#define CUSTOMSRISK_CLAPACKE_SHIM_H
#include <lapacke.h>
#endif
