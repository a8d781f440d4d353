package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/sbx-tui/sbx/model"
)

func writeKeys(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "keys.json")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestKeyOverridesReplaceBindingsAndHelp(t *testing.T) {
	km, err := loadKeyMap(writeKeys(t, `{"Refresh": ["ctrl+r", "f5"], "Jump": ["ctrl+g"], "Rules": []}`), true)
	if err != nil {
		t.Fatal(err)
	}
	if !key.Matches(tea.KeyPressMsg{Code: tea.KeyF5}, km.Refresh) {
		t.Fatalf("f5 does not refresh")
	}
	if key.Matches(tea.KeyPressMsg{Code: 'r', Text: "r"}, km.Refresh) {
		t.Fatalf("the default r still refreshes after the override")
	}
	if km.Refresh.Help().Key != "ctrl+r/f5" || km.Refresh.Help().Desc != "refresh" {
		t.Fatalf("help %+v", km.Refresh.Help())
	}
	if !key.Matches(tea.KeyPressMsg{Code: 'g', Mod: tea.ModCtrl}, km.Jump) {
		t.Fatalf("ctrl+g does not jump")
	}
	if km.Rules.Enabled() {
		t.Fatalf("an empty list should turn the action off")
	}
	def := model.DefaultKeyMap()
	if km.Quit.Help() != def.Quit.Help() {
		t.Fatalf("an action not in the file changed")
	}
}

func TestKeyOverridesErrorsNameTheField(t *testing.T) {
	for _, c := range []struct{ body, want string }{
		{`{"Refrsh": ["r"]}`, `"Refrsh" is not an action`},
		{`{"Refresh": ["ctrl+"]}`, `Refresh: "ctrl+" is not a key`},
		{`{"Refresh": ["hyperdrive"]}`, `Refresh: "hyperdrive" is not a key`},
		{`{"Refresh": ["cmd+r"]}`, `"cmd" is not a modifier`},
		{`{"Refresh": [""]}`, `Refresh: "" is not a key`},
		{`{"Refresh": "r"}`, `not a JSON object of action → list of keys`},
		{`{"Refresh": ["q"]}`, `Refresh and Quit both use "q"`},
		{`{"Refresh": ["R"]}`, `Refresh and Resubmit both use "R" in the messages view`},
		{`{"Filter": ["x"]}`, `Filter and OnlyDeadLetters both use "x" in the entities view`},
	} {
		_, err := loadKeyMap(writeKeys(t, c.body), true)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to say %q", c.body, err, c.want)
		}
		if err != nil && !strings.Contains(err.Error(), "keys.json") {
			t.Errorf("%s: the error does not name the file: %v", c.body, err)
		}
	}
}

func TestKeyOverridesAllowReuseAcrossViews(t *testing.T) {
	// x filters only in the detail view's context: no clash there.
	if _, err := loadKeyMap(writeKeys(t, `{"Mode": ["x"], "Up": ["k", "up", "ctrl+p"], "PageDown": ["ctrl+f", "pgdown"]}`), true); err != nil {
		t.Fatalf("keys used by different views were refused: %v", err)
	}
}

func TestKeysFileMissing(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "keys.json")
	km, err := loadKeyMap(missing, false)
	if err != nil || km == nil || km.Refresh.Help() != model.DefaultKeyMap().Refresh.Help() {
		t.Fatalf("a missing default keys file: %v", err)
	}
	if _, err := loadKeyMap(missing, true); err == nil {
		t.Fatalf("a missing --keys file must be an error")
	}
}

func TestDefaultKeyMapHasNoClashes(t *testing.T) {
	km := model.DefaultKeyMap()
	fields := bindingFields(&km)
	all := map[string]bool{}
	for name := range fields {
		all[name] = true
	}
	if err := checkClashes(fields, all); err != nil {
		t.Fatalf("the default key map clashes: %v", err)
	}
	// Every action is in some context, so clash checks cover it.
	covered := map[string]bool{}
	for _, n := range globalActions {
		covered[n] = true
	}
	for _, names := range keyContexts {
		for _, n := range names {
			covered[n] = true
		}
	}
	for name := range fields {
		if !covered[name] {
			t.Errorf("action %s is in no key context", name)
		}
	}
}

func TestCheckKeyAcceptsWhatBubbleTeaNames(t *testing.T) {
	for _, k := range []string{"a", "G", "?", ":", "/", "+", "ctrl++", "shift+tab", "ctrl+a", "alt+enter", "f1", "f12", "pgdown", "space", "é"} {
		if err := checkKey(k); err != nil {
			t.Errorf("%q refused: %v", k, err)
		}
	}
	for _, k := range []string{"f0", "f21", "ctrl+", "ab", " ", "super+"} {
		if err := checkKey(k); err == nil {
			t.Errorf("%q accepted", k)
		}
	}
}
