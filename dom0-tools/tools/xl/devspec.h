/*
 * Disk and network device specifications of xl.cfg (devspec.c): the
 * strings of `disk = [...]` (xl-disk-configuration(5)) and `vif = [...]`
 * (xl-network-configuration(5)).  Parsed and validated now; they take
 * effect once Dom0 has block and network backends.
 */
#ifndef XL_DEVSPEC_H
#define XL_DEVSPEC_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

struct disk_spec {
    char *target;           /* image path, or NULL (empty cdrom drive) */
    char *format;           /* raw (default), qcow, qcow2, vhd, qed */
    char *vdev;             /* as written: xvda, hdc, sdb1, d0p1, 51712 */
    uint32_t devid;         /* its Xen device number */
    bool readonly;
    bool cdrom;
    char *backend;          /* backend domain (name or id), NULL = 0 */
    char *backendtype;      /* phy, qdisk, tap, or NULL */
    char *script;
};

struct vif_spec {
    uint8_t mac[6];
    bool mac_given;
    char *bridge, *ip, *script, *model, *vifname, *backend, *rate, *type;
};

/* Parse one spec: 0, or -1 with a message in err. */
int disk_spec_parse(const char *spec, struct disk_spec *d, char *err, size_t errlen);
int vif_spec_parse(const char *spec, struct vif_spec *v, char *err, size_t errlen);
/* The device number of a vdev name, or -1 if it is not one. */
long vdev_to_devid(const char *vdev);
void disk_spec_free(struct disk_spec *d);
void vif_spec_free(struct vif_spec *v);

#endif
