/* examples/idx_to_png.c - an IDX data set (Fashion-MNIST, MNIST) as a PNG
   class folder, the layout `diffprune fit --data` reads:
     OUT/train/<class>/NNNNN.png   the IDX "train" split
     OUT/test/<class>/NNNNN.png    the IDX "t10k" split
   8-bit gray PNGs, one per image, pixels exactly the IDX bytes. The PNG
   writer is the smallest valid one: zlib with one stored (uncompressed)
   deflate block, filter 0 on every row. Class folders are "0-t-shirt" ...
   "9-ankle-boot" for Fashion-MNIST (a directory whose name contains
   "fashion"), "0" ... "9" otherwise, so sorted folder order is label order.
   It shows `diffprune fit` on a folder against the same images as IDX
   (README, "your data to your board"). With N, only the first N training
   images (the ones `diffprune fit --data IDX_DIR --limit N` trains on).

   Build:  make build/idx_to_png
   Run:    ./build/idx_to_png /usr/share/datasets/fashion-mnist build/fashion-png [N] */
#define DIFFPRUNE_IMPLEMENTATION
#include "../diffprune.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <errno.h>

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24); p[1] = (unsigned char)(v >> 16); p[2] = (unsigned char)(v >> 8); p[3] = (unsigned char)v;
}

/* one PNG chunk: length, type, data, CRC-32 of type and data */
static int put_chunk(FILE *f, const char *type, const unsigned char *data, uint32_t n)
{
    unsigned char b[8];
    uint32_t crc;
    put32(b, n);
    memcpy(b + 4, type, 4);
    crc = dp_crc32(0, b + 4, 4);
    if (n) crc = dp_crc32(crc, data, n);
    if (fwrite(b, 1, 8, f) != 8 || (n && fwrite(data, 1, n, f) != n)) return -1;
    put32(b, crc);
    return fwrite(b, 1, 4, f) == 4 ? 0 : -1;
}

/* h x w gray bytes as an 8-bit gray PNG; raw rows (filter byte 0 + w
   bytes) must fit one stored block (65535 bytes) */
static int write_png(const char *path, const unsigned char *px, int h, int w)
{
    static const unsigned char sig[8] = {137, 'P', 'N', 'G', '\r', '\n', 26, '\n'};
    unsigned char ihdr[13], idat[2 + 5 + 65535 + 4];
    const uint32_t raw = (uint32_t)h * (uint32_t)(w + 1);
    uint32_t a = 1, b = 0, k = 7;
    int y, x;
    FILE *f;
    if (raw > 65535u) return -1;
    put32(ihdr, (uint32_t)w); put32(ihdr + 4, (uint32_t)h);
    ihdr[8] = 8; ihdr[9] = 0; ihdr[10] = ihdr[11] = ihdr[12] = 0;   /* depth 8, gray, deflate, filter 0, no interlace */
    idat[0] = 0x78; idat[1] = 0x01;                                 /* zlib: deflate, 32 KB window, (0x7801 % 31 == 0) */
    idat[2] = 1;                                                    /* BFINAL = 1, BTYPE = 00 (stored) */
    idat[3] = (unsigned char)raw; idat[4] = (unsigned char)(raw >> 8);
    idat[5] = (unsigned char)~raw; idat[6] = (unsigned char)(~raw >> 8);
    for (y = 0; y < h; y++) {
        idat[k++] = 0;
        for (x = 0; x < w; x++) idat[k++] = px[y * w + x];
    }
    for (y = 7; y < (int)k; y++) { a = (a + idat[y]) % 65521u; b = (b + a) % 65521u; }   /* Adler-32 of the raw bytes */
    put32(idat + k, (b << 16) | a);
    k += 4;
    if (!(f = fopen(path, "wb"))) return -1;
    if (fwrite(sig, 1, 8, f) != 8 || put_chunk(f, "IHDR", ihdr, 13) || put_chunk(f, "IDAT", idat, k) || put_chunk(f, "IEND", NULL, 0)) {
        fclose(f);
        return -1;
    }
    return fclose(f) == 0 ? 0 : -1;
}

static int make_dir(const char *p)
{
    if (mkdir(p, 0755) == 0 || errno == EEXIST) return 0;
    fprintf(stderr, "idx_to_png: cannot make %s: %s\n", p, strerror(errno));
    return -1;
}

int main(int argc, char **argv)
{
    static const char *const fashion[10] = {"t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle-boot"};
    static const char *const split[2] = {"train", "t10k"}, *const sub[2] = {"train", "test"};
    char err[512], path[4096], cls[64];
    unsigned char *px;
    int s, i, k, is_fashion;
    long limit = 0;
    char *end = NULL;
    if (argc == 4) {
        errno = 0;
        limit = strtol(argv[3], &end, 10);
        if (errno || end == argv[3] || *end || limit < 1) { fprintf(stderr, "idx_to_png: N: '%s' must be a whole number of at least 1\n", argv[3]); return 2; }
    }
    if (argc < 3 || argc > 4 || argv[1][0] == '-') {
        fprintf(stderr, "usage: idx_to_png IDX_DIR OUT_DIR [N]   the IDX train (its first N) and t10k splits as OUT_DIR/{train,test}/<class>/*.png\n");
        return argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) ? 0 : 2;
    }
    is_fashion = strstr(argv[1], "fashion") != NULL;
    if (make_dir(argv[2])) return 1;
    for (s = 0; s < 2; s++) {
        dp_dataset d;
        size_t item;
        if (dp_idx_load_split(argv[1], split[s], &d, err, sizeof err) != DP_OK) { fprintf(stderr, "idx_to_png: %s\n", err); return 1; }
        item = (size_t)d.h * d.w * d.c;
        if (s == 0 && limit > 0 && limit < d.n) d.n = (int)limit;
        if (d.c != 1 || !(px = (unsigned char *)malloc(item))) { fprintf(stderr, "idx_to_png: %s: not gray images, or out of memory\n", argv[1]); return 1; }
        snprintf(path, sizeof path, "%s/%s", argv[2], sub[s]);
        if (make_dir(path)) return 1;
        for (k = 0; k < d.n_classes; k++) {
            if (is_fashion && d.n_classes == 10) snprintf(cls, sizeof cls, "%d-%s", k, fashion[k]);
            else snprintf(cls, sizeof cls, "%0*d", d.n_classes > 10 ? 3 : 1, k);
            snprintf(path, sizeof path, "%s/%s/%s", argv[2], sub[s], cls);
            if (make_dir(path)) return 1;
        }
        for (i = 0; i < d.n; i++) {
            size_t j;
            k = d.y[i];
            for (j = 0; j < item; j++) {   /* the loader's x = byte / 255, back to the byte */
                const float v = d.x[(size_t)i * item + j] * 255.0f + 0.5f;
                px[j] = (unsigned char)(v < 0.0f ? 0.0f : v > 255.0f ? 255.0f : v);
            }
            if (is_fashion && d.n_classes == 10) snprintf(cls, sizeof cls, "%d-%s", k, fashion[k]);
            else snprintf(cls, sizeof cls, "%0*d", d.n_classes > 10 ? 3 : 1, k);
            snprintf(path, sizeof path, "%s/%s/%s/%05d.png", argv[2], sub[s], cls, i);
            if (write_png(path, px, d.h, d.w)) { fprintf(stderr, "idx_to_png: cannot write %s\n", path); return 1; }
        }
        printf("idx_to_png: %s: %d images in %d classes -> %s/%s/\n", split[s], d.n, d.n_classes, argv[2], sub[s]);
        free(px);
        dp_dataset_free(&d);
    }
    return 0;
}
