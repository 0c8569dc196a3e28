/* uapi.h: the layout of the kernel's linux/target_core_user.h (TCMU), as
 * numbers. That header is C only: its inline tcmu_hdr_get_op() converts a
 * __u32 to an enum, which C++ refuses, so no C++ file can include it.
 * uapi.c includes it, and the C compiler reads every offset, size, flag and
 * version from the installed header into tcmu_layout; the C++ ring code
 * uses nothing else. */
#ifndef TAPEEMU_TCMU_UAPI_H
#define TAPEEMU_TCMU_UAPI_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct tapeemu_tcmu_layout {
    /* struct tcmu_mailbox */
    uint32_t mailbox_size;
    uint32_t mb_version, mb_flags, mb_cmdr_off, mb_cmdr_size, mb_cmd_head, mb_cmd_tail;
    uint16_t mailbox_version;     /* TCMU_MAILBOX_VERSION */
    uint16_t cap_read_len;        /* TCMU_MAILBOX_FLAG_CAP_READ_LEN */
    /* struct tcmu_cmd_entry_hdr and struct tcmu_cmd_entry */
    uint32_t hdr_size;            /* sizeof(struct tcmu_cmd_entry_hdr) */
    uint32_t entry_size;          /* sizeof(struct tcmu_cmd_entry), without iovecs */
    uint32_t hdr_len_op, hdr_uflags;
    uint32_t req_iov_cnt, req_iov_bidi_cnt, req_iov_dif_cnt, req_cdb_off, req_iov;
    uint32_t rsp_scsi_status, rsp_read_len, rsp_sense_buffer;
    uint32_t sense_size;          /* TCMU_SENSE_BUFFERSIZE */
    uint32_t iovec_size;          /* sizeof(struct iovec): iov_base (an offset), iov_len */
    uint32_t op_mask, op_align;   /* TCMU_OP_MASK, TCMU_OP_ALIGN_SIZE */
    uint32_t op_pad, op_cmd, op_tmr;
    uint8_t uflag_unknown_op, uflag_read_len;
};

extern const struct tapeemu_tcmu_layout tapeemu_tcmu;

#ifdef __cplusplus
}
#endif

#endif
