/*
 * Debug keys: what a key typed on the serial console does while input
 * belongs to the hypervisor (Ctrl-A three times; console_input.c).
 *
 * The keys are a table, like the hypercall table: a key, its handler and
 * one line of help, which 'h' prints.  Adding a key is adding a row.
 * Handlers run from the console drain -- timer softirq context, or the
 * initial domain's CONSOLEIO_read -- on the one CPU, with whichever vCPU
 * happened to be current; they only read state and print, except that
 * 'd' raises VIRQ_DEBUG, as Xen's domain dump does: a guest that bound it
 * (on each of its vCPUs, it is per-vCPU) is told a dump was asked for and
 * may print its own view.
 */
#include <mica/keyhandler.h>
#include <mica/irq.h>
#include <mica/domain.h>
#include <mica/event.h>
#include <mica/mm.h>
#include <mica/sched.h>
#include <mica/lib.h>
#include <public/xen.h>

struct debug_key {
    uint8_t key;
    void (*fn)(void);
    const char *help;
};

static void key_help(void);

static const char *domain_state_name(enum domain_state s)
{
    static const char *const names[] = {
        [DOMSTATE_CREATED] = "created", [DOMSTATE_RUNNING] = "running",
        [DOMSTATE_SHUTDOWN] = "shutdown", [DOMSTATE_CRASHED] = "crashed",
        [DOMSTATE_DYING] = "dying",
    };
    return (unsigned int)s < ARRAY_SIZE(names) && names[s] ? names[s] : "?";
}

static void key_dump_domains(void)
{
    struct domain *d;
    unsigned int raised = 0;

    keyprintk("Domains:\n");
    for_each_domain(d) {
        keyprintk("  d%u %s: %s%s, %lu/%lu pages, weight %u, pause %d\n",
                  d->domain_id, d->name, domain_state_name(d->state),
                  d->is_privileged ? " (privileged)" : "", d->tot_pages,
                  d->max_pages, d->weight, d->pause_count);
        for (unsigned int i = 0; i < d->max_vcpus; i++) {
            struct vcpu *v = d->vcpu[i];
            if (!v)
                continue;
            arch_dump_vcpu_brief(v);
            if (!d->is_dying && v->virq_to_evtchn[VIRQ_DEBUG]) {
                send_guest_vcpu_virq(v, VIRQ_DEBUG);
                raised++;
            }
        }
    }
    keyprintk("VIRQ_DEBUG raised on %u vCPU(s)\n", raised);
}

static void key_memory(void)
{
    struct domain *d;
    unsigned long total = heap_total_pages(), free = heap_free_pages();

    keyprintk("Memory: heap %lu frames (%lu MiB), %lu free, %lu in use; "
              "%lu page tables awaiting validation\n",
              total, total >> 8, free, total - free, mm_pending_count());
    for_each_domain(d)
        keyprintk("  d%u %s: %lu pages of %lu (%lu KiB), %lu freed back\n",
                  d->domain_id, d->name, d->tot_pages, d->max_pages,
                  d->tot_pages * 4, d->mm_freed_pages);
}

static const struct debug_key debug_keys[] = {
    { 'h', key_help,         "list the debug keys" },
    { 'd', key_dump_domains, "dump every domain (state, pages, vCPU registers); "
                             "raise VIRQ_DEBUG on every vCPU that bound it" },
    { 'm', key_memory,       "memory: heap and per-domain pages" },
    { 'r', sched_dump,       "run queue and scheduler state" },
    { 'i', irq_dump,         "machine IRQs: kind, listeners, counters" },
};

static void key_help(void)
{
    keyprintk("Debug keys (Ctrl-A three times returns input to d0):\n");
    for (unsigned int i = 0; i < ARRAY_SIZE(debug_keys); i++)
        keyprintk("  '%c'  %s\n", debug_keys[i].key, debug_keys[i].help);
}

void handle_debug_key(uint8_t c)
{
    for (unsigned int i = 0; i < ARRAY_SIZE(debug_keys); i++) {
        if (debug_keys[i].key == c) {
            keyprintk("'%c' pressed -> %s\n", c, debug_keys[i].help);
            debug_keys[i].fn();
            return;
        }
    }
    if (c == '\r' || c == '\n' || c == CONSOLE_SWITCH_CHAR)
        return;                          /* Enter, a broken switch: no noise */
    keyprintk("unknown debug key %#x ('h' for help)\n", c);
}
