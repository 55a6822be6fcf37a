/* tests/tflite_dir.h - where the shared real TensorFlow Lite models are:
   $DP_TFLITE_DIR, else ../shared/tflite, ../../shared/tflite or
   /work/shared/tflite (the first holding a README.md); NULL when none
   does, and the tests that need them skip with a message. */
#ifndef DP_TFLITE_DIR_H
#define DP_TFLITE_DIR_H
#include <stdio.h>
#include <stdlib.h>

static const char *tfl_dir(void)
{
    static const char *cand[] = { "../shared/tflite", "../../shared/tflite", "/work/shared/tflite" };
    static char buf[512];
    const char *e = getenv("DP_TFLITE_DIR");
    size_t i;
    for (i = 0; i < sizeof cand / sizeof cand[0]; i++) {
        const char *d = e && *e ? e : cand[i];
        FILE *f;
        snprintf(buf, sizeof buf, "%s/README.md", d);
        if ((f = fopen(buf, "rb")) != NULL) { fclose(f); return d; }
        if (e && *e) break;
    }
    return NULL;
}

#endif
