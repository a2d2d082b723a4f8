/*
 * public/io/protocols.h - names of ring layouts, for the `protocol` node.
 *
 * Some ring entries (blkif) contain 64-bit fields, so their layout depends
 * on the frontend's ABI.  A frontend writes one of these strings to its
 * `protocol` node and the backend lays out entries accordingly.  The
 * structures in this directory are the x86_32 layouts, which is what every
 * Mica guest uses.
 */
#ifndef MICA_PUBLIC_IO_PROTOCOLS_H
#define MICA_PUBLIC_IO_PROTOCOLS_H

#define XEN_IO_PROTO_ABI_X86_32     "x86_32-abi"
#define XEN_IO_PROTO_ABI_X86_64     "x86_64-abi"

/* The layout the structures in public/io describe. */
#define XEN_IO_PROTO_ABI_NATIVE     XEN_IO_PROTO_ABI_X86_32

#endif /* MICA_PUBLIC_IO_PROTOCOLS_H */
