/* uapi.c: reads the TCMU ring layout from the installed kernel UAPI header
 * (linux-libc-dev) into numbers the C++ code can use; see uapi.h. */
#include "uapi.h"

#include <linux/target_core_user.h>
#include <stddef.h>

_Static_assert(sizeof(struct iovec) == 2 * sizeof(void*), "struct iovec is {iov_base, iov_len}");

const struct tapeemu_tcmu_layout tapeemu_tcmu = {
    .mailbox_size = sizeof(struct tcmu_mailbox),
    .mb_version = offsetof(struct tcmu_mailbox, version),
    .mb_flags = offsetof(struct tcmu_mailbox, flags),
    .mb_cmdr_off = offsetof(struct tcmu_mailbox, cmdr_off),
    .mb_cmdr_size = offsetof(struct tcmu_mailbox, cmdr_size),
    .mb_cmd_head = offsetof(struct tcmu_mailbox, cmd_head),
    .mb_cmd_tail = offsetof(struct tcmu_mailbox, cmd_tail),
    .mailbox_version = TCMU_MAILBOX_VERSION,
    .cap_read_len = TCMU_MAILBOX_FLAG_CAP_READ_LEN,
    .hdr_size = sizeof(struct tcmu_cmd_entry_hdr),
    .entry_size = sizeof(struct tcmu_cmd_entry),
    .hdr_len_op = offsetof(struct tcmu_cmd_entry_hdr, len_op),
    .hdr_uflags = offsetof(struct tcmu_cmd_entry_hdr, uflags),
    .req_iov_cnt = offsetof(struct tcmu_cmd_entry, req.iov_cnt),
    .req_iov_bidi_cnt = offsetof(struct tcmu_cmd_entry, req.iov_bidi_cnt),
    .req_iov_dif_cnt = offsetof(struct tcmu_cmd_entry, req.iov_dif_cnt),
    .req_cdb_off = offsetof(struct tcmu_cmd_entry, req.cdb_off),
    .req_iov = offsetof(struct tcmu_cmd_entry, req.iov),
    .rsp_scsi_status = offsetof(struct tcmu_cmd_entry, rsp.scsi_status),
    .rsp_read_len = offsetof(struct tcmu_cmd_entry, rsp.read_len),
    .rsp_sense_buffer = offsetof(struct tcmu_cmd_entry, rsp.sense_buffer),
    .sense_size = TCMU_SENSE_BUFFERSIZE,
    .iovec_size = sizeof(struct iovec),
    .op_mask = TCMU_OP_MASK,
    .op_align = TCMU_OP_ALIGN_SIZE,
    .op_pad = TCMU_OP_PAD,
    .op_cmd = TCMU_OP_CMD,
    .op_tmr = TCMU_OP_TMR,
    .uflag_unknown_op = TCMU_UFLAG_UNKNOWN_OP,
    .uflag_read_len = TCMU_UFLAG_READ_LEN,
};
