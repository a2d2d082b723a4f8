/*
 * What a privileged test guest adds to the test runtime to run the
 * toolstack's control-plane libraries (tests/guest/ctl/os_priv.c).
 */
#ifndef CTL_GUEST_CTL_GUEST_H
#define CTL_GUEST_CTL_GUEST_H

/* Set up the heap and the foreign-mapping window; call first. */
void ctl_init(void);
/* Window slots holding foreign mappings (0 when everything was unmapped). */
unsigned int ctl_window_in_use(void);

#endif
