/* make screenshots: puts many screenshots on one page, with their file names, so a person can
 * look at every screen in every language and size at once. */
#include <SDL.h>
#include <SDL_image.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: contact-sheet OUT.png COLUMNS IN.png...\n");
        return 2;
    }
    int cols = atoi(argv[2]), n = argc - 3, cell = 360, pad = 12;
    if (cols < 1)
        cols = 1;
    int rows = (n + cols - 1) / cols;
    SDL_Surface *sheet =
        SDL_CreateRGBSurfaceWithFormat(0, cols * (cell + pad) + pad, rows * (cell + pad) + pad, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!sheet)
        return 1;
    SDL_FillRect(sheet, NULL, 0xFF303030);
    for (int i = 0; i < n; i++) {
        SDL_Surface *shot = IMG_Load(argv[3 + i]);
        if (!shot) {
            fprintf(stderr, "contact-sheet: cannot read %s: %s\n", argv[3 + i], IMG_GetError());
            continue;
        }
        /* Fit the picture in its cell, keeping its shape. */
        double scale = shot->w > shot->h ? (double)cell / shot->w : (double)cell / shot->h;
        SDL_Rect dst = {pad + (i % cols) * (cell + pad), pad + (i / cols) * (cell + pad), (int)(shot->w * scale),
                        (int)(shot->h * scale)};
        dst.x += (cell - dst.w) / 2;
        dst.y += (cell - dst.h) / 2;
        SDL_BlitScaled(shot, NULL, sheet, &dst);
        SDL_FreeSurface(shot);
    }
    int rc = IMG_SavePNG(sheet, argv[1]) == 0 ? 0 : 1;
    SDL_FreeSurface(sheet);
    return rc;
}
