/* The POSIX update_io: thin wrappers, so that the update code has one seam where tests can
 * stand in for the disk and the stick. EINTR is retried here, once, for everyone. */
#include "update.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

static int px_open(void *ctx, const char *path, int flags, mode_t mode)
{
    int fd;
    do
        fd = open(path, flags | O_CLOEXEC, mode);
    while (fd < 0 && errno == EINTR);
    return fd;
}

/* Linux closes the descriptor even when close reports EINTR, so it is never retried. */
static int px_close(void *ctx, int fd) { return close(fd); }

static ssize_t px_read(void *ctx, int fd, void *buf, size_t n)
{
    ssize_t r;
    do
        r = read(fd, buf, n);
    while (r < 0 && errno == EINTR);
    return r;
}

static ssize_t px_write(void *ctx, int fd, const void *buf, size_t n)
{
    ssize_t r;
    do
        r = write(fd, buf, n);
    while (r < 0 && errno == EINTR);
    return r;
}

static int px_fsync(void *ctx, int fd)
{
    int r;
    do
        r = fsync(fd);
    while (r < 0 && errno == EINTR);
    return r;
}

static int px_fstat(void *ctx, int fd, struct stat *st) { return fstat(fd, st); }
static int px_lstat(void *ctx, const char *path, struct stat *st) { return lstat(path, st); }
static int px_rename(void *ctx, const char *from, const char *to) { return rename(from, to); }
static int px_unlink(void *ctx, const char *path) { return unlink(path); }
static int px_mkdir(void *ctx, const char *path, mode_t mode) { return mkdir(path, mode); }

/* A rename is only durable once the folder holding it is synced (ext4, f2fs and friends may
 * otherwise lose it on a power cut even though the file's data were synced). */
static int px_fsync_dir(void *ctx, const char *path)
{
    int fd = px_open(ctx, path, O_RDONLY | O_DIRECTORY, 0);
    if (fd < 0)
        return -1;
    int r = px_fsync(ctx, fd);
    int saved = errno;
    close(fd);
    errno = saved;
    return r;
}

static int px_list_dir(void *ctx, const char *path, update_dir_fn each, void *user)
{
    DIR *d = opendir(path);
    if (!d)
        return -1;
    struct dirent *de;
    errno = 0;
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        if (each(user, de->d_name))
            break;
        errno = 0;
    }
    int saved = errno;
    closedir(d);
    errno = saved;
    return saved ? -1 : 0;
}

/* flock rather than fcntl locks: it belongs to the descriptor, so a second open of the lock
 * file elsewhere in the same process cannot silently drop it. */
static int px_lock(void *ctx, const char *path)
{
    int fd = px_open(ctx, path, O_RDWR | O_CREAT | O_NOFOLLOW, 0644);
    if (fd < 0)
        return -1;
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

static time_t px_now(void *ctx) { return time(NULL); }

static int px_writeback(void *ctx, int fd, off_t offset, off_t n)
{
    return sync_file_range(fd, offset, n, SYNC_FILE_RANGE_WRITE);
}

const update_io *update_io_posix(void)
{
    static const update_io io = {
        .ctx = NULL,
        .open = px_open,
        .close = px_close,
        .read = px_read,
        .write = px_write,
        .fsync = px_fsync,
        .fstat = px_fstat,
        .lstat = px_lstat,
        .rename = px_rename,
        .unlink = px_unlink,
        .mkdir = px_mkdir,
        .fsync_dir = px_fsync_dir,
        .list_dir = px_list_dir,
        .lock = px_lock,
        .now = px_now,
        .writeback = px_writeback,
    };
    return &io;
}
