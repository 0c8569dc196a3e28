// tapekey config check: reads a settings file the way every command will
// (tapekey/config.h) and prints each setting's value, so an edit is checked
// before a backup hook meets it.
#include <iostream>

#include "commands.h"
#include "tapekey/config.h"
#include "tapekey/home.h"
#include "term.h"

namespace tapekey::cli {

int run_config_check(const ConfigCheckOptions& o) {
    return guarded("config check", [&] {
        const std::filesystem::path file = o.file ? *o.file : Home::locate(o.home).config();
        const Config c = Config::load(file);
        // One line per known setting, in the table's order; "(default)" marks
        // those the file leaves unset.
        for (const auto& key : Config::keys()) {
            std::cout << key << " = " << c.get(key) << (c.is_set(key) ? "" : " (default)") << "\n";
        }
        return exit_ok;
    });
}

}  // namespace tapekey::cli
