/* mkfixtures writes JPEG test fixtures with libjpeg(-turbo) options that
 * ImageMagick does not expose. Usage:
 *   mkfixtures in.ppm|in.pgm out.jpg quality HxV restart-MCUs [arith] [rgb] [sof1] [multiscan] [rst-rows]
 * HxV is the luma sampling factor (chroma is 1x1). Build:
 *   cc -O2 -o mkfixtures mkfixtures.c -ljpeg
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>

static int has(int argc, char **argv, const char *flag) {
	for (int i = 6; i < argc; i++)
		if (strcmp(argv[i], flag) == 0)
			return 1;
	return 0;
}

int main(int argc, char **argv) {
	if (argc < 6) {
		fprintf(stderr, "usage: %s in.pnm out.jpg quality HxV restart [flags]\n", argv[0]);
		return 2;
	}
	FILE *in = fopen(argv[1], "rb");
	char magic[3] = {0};
	int w, h, maxv;
	if (!in || fscanf(in, "%2s %d %d %d", magic, &w, &h, &maxv) != 4 || maxv != 255) {
		fprintf(stderr, "bad input\n");
		return 1;
	}
	fgetc(in);
	int nc = strcmp(magic, "P6") == 0 ? 3 : 1;
	unsigned char *pix = malloc((size_t)w * h * nc);
	if (fread(pix, 1, (size_t)w * h * nc, in) != (size_t)w * h * nc)
		return 1;
	fclose(in);

	struct jpeg_compress_struct c;
	struct jpeg_error_mgr err;
	c.err = jpeg_std_error(&err);
	jpeg_create_compress(&c);
	FILE *out = fopen(argv[2], "wb");
	jpeg_stdio_dest(&c, out);
	c.image_width = w;
	c.image_height = h;
	c.input_components = nc;
	c.in_color_space = nc == 3 ? JCS_RGB : JCS_GRAYSCALE;
	jpeg_set_defaults(&c);
	if (has(argc, argv, "rgb"))
		jpeg_set_colorspace(&c, JCS_RGB);
	jpeg_set_quality(&c, atoi(argv[3]), !has(argc, argv, "sof1"));
	int hs = 1, vs = 1;
	sscanf(argv[4], "%dx%d", &hs, &vs);
	c.comp_info[0].h_samp_factor = hs;
	c.comp_info[0].v_samp_factor = vs;
	for (int i = 1; i < c.num_components; i++)
		c.comp_info[i].h_samp_factor = c.comp_info[i].v_samp_factor = 1;
	if (has(argc, argv, "rst-rows"))
		c.restart_in_rows = atoi(argv[5]);
	else
		c.restart_interval = atoi(argv[5]);
	c.arith_code = has(argc, argv, "arith");
	c.optimize_coding = !c.arith_code;
	static jpeg_scan_info scans[3];
	if (has(argc, argv, "multiscan")) {
		for (int i = 0; i < c.num_components; i++) {
			scans[i].comps_in_scan = 1;
			scans[i].component_index[0] = i;
			scans[i].Ss = 0;
			scans[i].Se = 63;
		}
		c.scan_info = scans;
		c.num_scans = c.num_components;
	}
	jpeg_start_compress(&c, TRUE);
	while (c.next_scanline < c.image_height) {
		JSAMPROW row = pix + (size_t)c.next_scanline * w * nc;
		jpeg_write_scanlines(&c, &row, 1);
	}
	jpeg_finish_compress(&c);
	fclose(out);
	jpeg_destroy_compress(&c);
	free(pix);
	return 0;
}
