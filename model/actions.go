package model

import (
	tea "charm.land/bubbletea/v2"

	"github.com/sbx-tui/sbx/ui"
)

// startAction turns a request into the first step of its action.
// Placeholder until the actions land: it says so instead of acting.
func startAction(sh *shared, req actionRequest) (tea.Cmd, *navigation) {
	if readOnlyFor(sh, req.conn) {
		return toast(ui.ToastWarn, "read-only: writes are off for this namespace"), nil
	}
	return toast(ui.ToastInfo, "this action is not available yet"), nil
}
