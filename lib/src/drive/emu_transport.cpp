// The emu:PATH transport: each command locks the state file, runs on the
// emulator and saves the state (emu/state/state_file.h), so a drive is
// shared by every process that names the same PATH.
#include <algorithm>

#include "drive/transport.h"
#include "state/state_file.h"

namespace tapekey::detail {
namespace {

class EmuTransport final : public Transport {
public:
    explicit EmuTransport(std::string path) : m_path(std::move(path)) {}

    Completion execute(const Command& c) override {
        tapeemu::StateFile state(m_path);
        auto r = state.drive().execute(c.cdb, c.data_out, static_cast<std::uint32_t>(c.data_in.size()));
        state.save();
        Completion out;
        out.status = r.status;
        out.sense = std::move(r.sense);
        out.data_in_length = std::min(r.data_in.size(), c.data_in.size());
        std::copy_n(r.data_in.begin(), out.data_in_length, c.data_in.begin());
        return out;
    }

private:
    std::string m_path;
};

}  // namespace

std::unique_ptr<Transport> open_emu_transport(const std::string& path) {
    return std::make_unique<EmuTransport>(path);
}

}  // namespace tapekey::detail
