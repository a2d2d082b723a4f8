/*
 * nmi: virtual NMIs raised with VCPUOP_send_nmi (vcpu_op 11) reach the NMI
 * callback (fact sheet §7.4, §9, §16), as in Xen.
 *
 * This guest is the initial domain's vCPU 0, the only one that may
 * register an NMI callback.  send_nmi to ourselves returns 0 and, on the
 * way out of that very hypercall, enters the callback once with a bounce
 * frame {EIP right after the int $0x82, FLAT_RING1_CS | saved mask << 16,
 * EFLAGS with IF = !saved mask, IOPL 0} and events masked inside.  Both
 * registrations work: callback_op(CALLBACKTYPE_nmi) and nmi_op.
 *
 * NMIs are masked from delivery until the iret hypercall: a send_nmi made
 * inside the callback returns 0 but is not delivered, not even on return
 * from a later hypercall, until the callback's iret -- then at once, with
 * the iret's target as interrupted EIP.
 *
 * Without a callback send_nmi is harmless: it returns 0 and Xen drops the
 * NMI at the next return to the guest (nothing is entered, the domain
 * lives), so registering a callback afterwards delivers nothing either.
 * A non-NULL argument is -EINVAL, a vCPU id naming no vCPU -ENOENT.
 */
#include <test.h>
#include <traps.h>
#include <events.h>
#include <public/callback.h>
#include <public/nmi.h>

struct nmi_frame {
    uint32_t edi, esi, ebp, esp_pushal, ebx, edx, ecx, eax;     /* pushal */
    uint32_t eip, cs, eflags;                                   /* bounce frame */
};

void nmi_dispatch(struct nmi_frame *f);
extern char nmi_entry[];

/* Always entered from ring 1 here, so DS/ES are already flat. */
asm (".text\n"
     "nmi_entry:\n\t"
     "pushal\n\tcld\n\tpushl %esp\n\tcall nmi_dispatch\n\taddl $4, %esp\n\t"
     "popal\n\tjmp hypercall_page + 23 * 32\n");

static volatile unsigned int nmi_count;
static volatile struct { uint32_t eip, cs, eflags; uint8_t mask_inside; } seen[4];
static volatile bool nest;              /* send another NMI from inside */
static volatile long inner_rc;
static volatile unsigned int count_inside;

/* send_nmi issued right here; *after = the address following the int $0x82. */
static long send_nmi(unsigned int vcpu, void *arg, uint32_t *after)
{
    long rc = __HYPERVISOR_vcpu_op;
    uint32_t b = VCPUOP_send_nmi, c = vcpu, d = (uint32_t)arg, a;

    asm volatile ("int $0x82\n1:\tmovl $1b, %4"
                  : "+a" (rc), "+b" (b), "+c" (c), "+d" (d), "=m" (a)
                  :: "memory", "esi", "edi");
    if (after)
        *after = a;
    return rc;
}

void nmi_dispatch(struct nmi_frame *f)
{
    unsigned int n = nmi_count;

    if (n < 4) {
        seen[n].eip = f->eip;
        seen[n].cs = f->cs;
        seen[n].eflags = f->eflags;
        seen[n].mask_inside = vcpu0_info()->evtchn_upcall_mask;
    }
    nmi_count = n + 1;
    if (nest) {
        nest = false;
        inner_rc = send_nmi(0, NULL, NULL);
        HYPERVISOR_xen_version(XENVER_version, NULL);   /* another way out */
        count_inside = nmi_count;
    }
}

static long reg(uint16_t type, uint32_t eip)
{
    struct callback_register cb = { type, 0, { FLAT_RING1_CS, eip } };
    return HYPERVISOR_callback_op(CALLBACKOP_register, &cb);
}

static long unreg(uint16_t type)
{
    struct callback_unregister cb = { type, 0 };
    return HYPERVISOR_callback_op(CALLBACKOP_unregister, &cb);
}

/* One send_nmi with the event mask `mask`: delivered once, frame checked. */
static void once(uint8_t mask, const char *how)
{
    uint32_t after;

    iret_event_mask(mask);
    nmi_count = 0;
    CHECK_RC(send_nmi(0, NULL, &after), 0, "send_nmi");
    CHECK(nmi_count == 1, "%s, mask %u: %u NMI callbacks", how, mask, nmi_count);
    CHECK(seen[0].eip == after, "%s: eip 0x%x, expected 0x%x", how, seen[0].eip, after);
    CHECK(seen[0].cs == (FLAT_RING1_CS | (uint32_t)mask << 16), "%s: cs word 0x%x", how,
          seen[0].cs);
    CHECK((seen[0].eflags & 0x3202) == (mask ? 0x0002u : 0x0202u), "%s: eflags 0x%x", how,
          seen[0].eflags);
    CHECK(seen[0].mask_inside == 1, "%s: events not masked inside (mask %u)", how,
          seen[0].mask_inside);
    CHECK(vcpu0_info()->evtchn_upcall_mask == mask, "%s: mask %u after the callback", how,
          vcpu0_info()->evtchn_upcall_mask);
}

void test_main(void)
{
    uint32_t after;

    traps_init();
    if (map_shared_info()) {
        test_error("cannot map shared_info");
        return;
    }
    event_vcpu_info = vcpu0_info();     /* the event callback consumes upcalls */

    /* Registered with callback_op: once per send_nmi, whatever the mask. */
    CHECK_RC(reg(CALLBACKTYPE_nmi, (uint32_t)nmi_entry), 0, "callback_op register nmi");
    once(0, "callback_op");
    once(1, "callback_op");

    /* A second NMI inside the callback waits for its iret. */
    iret_event_mask(false);
    nmi_count = 0;
    nest = true;
    CHECK_RC(send_nmi(0, NULL, &after), 0, "send_nmi (nesting)");
    CHECK_RC(inner_rc, 0, "send_nmi inside the callback");
    CHECK(count_inside == 1, "NMI delivered before the iret (%u entries)", count_inside);
    CHECK(nmi_count == 2, "%u NMI callbacks, expected 2", nmi_count);
    CHECK(seen[1].eip == after && seen[1].cs == FLAT_RING1_CS && seen[1].mask_inside == 1,
          "NMI after the iret: eip 0x%x (0x%x) cs word 0x%x", seen[1].eip, after, seen[1].cs);
    CHECK_RC(unreg(CALLBACKTYPE_nmi), 0, "callback_op unregister nmi");

    /* Registered with nmi_op. */
    struct xennmi_callback cb = { (uint32_t)nmi_entry, 0 };
    CHECK_RC(HYPERVISOR_nmi_op(XENNMI_register_callback, &cb), 0, "nmi_op register");
    once(0, "nmi_op");

    /* Bad arguments: refused, nothing raised. */
    nmi_count = 0;
    CHECK_RC(send_nmi(1, NULL, NULL), -XEN_ENOENT, "send_nmi vCPU 1");
    CHECK_RC(send_nmi(0xffffffffu, NULL, NULL), -XEN_ENOENT, "send_nmi vCPU ~0");
    CHECK_RC(send_nmi(0, &cb, NULL), -XEN_EINVAL, "send_nmi with an argument");
    CHECK(nmi_count == 0, "a refused send_nmi raised an NMI");

    /* Unregistered: harmless, the NMI is dropped. */
    CHECK_RC(HYPERVISOR_nmi_op(XENNMI_unregister_callback, NULL), 0, "nmi_op unregister");
    CHECK_RC(send_nmi(0, NULL, NULL), 0, "send_nmi without a callback");
    HYPERVISOR_xen_version(XENVER_version, NULL);
    CHECK_RC(reg(CALLBACKTYPE_nmi, (uint32_t)nmi_entry), 0, "register again");
    HYPERVISOR_xen_version(XENVER_version, NULL);
    CHECK(nmi_count == 0, "%u NMI callbacks for an NMI sent without one", nmi_count);
    once(0, "re-registered");
    CHECK_RC(unreg(CALLBACKTYPE_nmi), 0, "unregister");
    test_success();
}
