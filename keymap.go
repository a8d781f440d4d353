package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"

	"github.com/sbx-tui/sbx/model"
)

// keysFileName is the key overrides file in sbx's user config directory.
const keysFileName = "keys.json"

// defaultKeysPath is <user config dir>/sbx/keys.json.
func defaultKeysPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "sbx", keysFileName), nil
}

// loadKeyMap reads the key overrides file and applies it to the default
// key map. The file is a JSON object from action name (a model.KeyMap
// field, e.g. "Refresh") to the keys that trigger it:
//
//	{"Refresh": ["r", "f5"], "Quit": ["q"]}
//
// An empty list turns an action off. A missing file is fine unless it was
// named explicitly (--keys). Unknown actions, malformed keys and two
// actions of one view sharing a key are errors that name the field.
func loadKeyMap(path string, explicit bool) (*model.KeyMap, error) {
	km := model.DefaultKeyMap()
	if path == "" {
		return &km, nil
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) && !explicit {
			return &km, nil
		}
		return nil, fmt.Errorf("keys file: %w", err)
	}
	if err := applyKeyOverrides(&km, raw); err != nil {
		return nil, fmt.Errorf("keys file %s: %w", path, err)
	}
	return &km, nil
}

// applyKeyOverrides applies the JSON overrides in raw to km.
func applyKeyOverrides(km *model.KeyMap, raw []byte) error {
	var overrides map[string][]string
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&overrides); err != nil {
		return fmt.Errorf("not a JSON object of action → list of keys: %w", err)
	}
	fields := bindingFields(km)
	names := make([]string, 0, len(overrides))
	for name := range overrides {
		names = append(names, name)
	}
	slices.Sort(names) // report problems in a stable order
	changed := map[string]bool{}
	for _, name := range names {
		b, ok := fields[name]
		if !ok {
			return fmt.Errorf("%q is not an action; the actions are %s", name, strings.Join(actionNames(km), ", "))
		}
		keys := overrides[name]
		for _, k := range keys {
			if err := checkKey(k); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
		desc := b.Help().Desc
		*b = key.NewBinding(key.WithKeys(keys...), key.WithHelp(strings.Join(keys, "/"), desc))
		if len(keys) == 0 {
			b.SetEnabled(false)
		}
		changed[name] = true
	}
	return checkClashes(fields, changed)
}

// bindingFields maps each key.Binding field of km by name.
func bindingFields(km *model.KeyMap) map[string]*key.Binding {
	out := map[string]*key.Binding{}
	v := reflect.ValueOf(km).Elem()
	bt := reflect.TypeFor[key.Binding]()
	for i := range v.NumField() {
		f := v.Type().Field(i)
		if f.Type == bt && f.IsExported() {
			out[f.Name] = v.Field(i).Addr().Interface().(*key.Binding)
		}
	}
	return out
}

// actionNames lists the overridable actions in declaration order.
func actionNames(km *model.KeyMap) []string {
	var names []string
	t := reflect.TypeOf(*km)
	for i := range t.NumField() {
		if t.Field(i).Type == reflect.TypeFor[key.Binding]() {
			names = append(names, t.Field(i).Name)
		}
	}
	return names
}

// namedKeys are the non-printable keys Bubble Tea names in key strings.
var namedKeys = map[string]bool{
	"enter": true, "esc": true, "tab": true, "space": true, "backspace": true, "delete": true, "insert": true,
	"up": true, "down": true, "left": true, "right": true, "home": true, "end": true, "pgup": true, "pgdown": true,
}

// checkKey accepts what tea.KeyPressMsg.String() produces: an optional
// chain of modifiers ("ctrl+", "alt+", "shift+") and one key — a single
// printable character, a named key or f1…f20.
func checkKey(k string) error {
	if k == "" {
		return errors.New(`"" is not a key`)
	}
	parts := strings.Split(k, "+")
	base := parts[len(parts)-1]
	if k == "+" || strings.HasSuffix(k, "++") {
		base = "+" // the plus key itself, possibly with modifiers
		parts = strings.Split(strings.TrimSuffix(k, "+"), "+")
		parts = parts[:len(parts)-1]
	} else {
		parts = parts[:len(parts)-1]
	}
	for _, m := range parts {
		switch m {
		case "ctrl", "alt", "shift", "meta", "super", "hyper":
		default:
			return fmt.Errorf("%q is not a key: %q is not a modifier (ctrl, alt, shift)", k, m)
		}
	}
	if namedKeys[base] || isFunctionKey(base) {
		return nil
	}
	r, size := utf8.DecodeRuneInString(base)
	if size == len(base) && r != utf8.RuneError && unicode.IsPrint(r) && r != ' ' {
		return nil
	}
	return fmt.Errorf("%q is not a key: use one character, or a name like enter, esc, tab, space, up, pgdown, f5", k)
}

func isFunctionKey(s string) bool {
	var n int
	if _, err := fmt.Sscanf(s, "f%d", &n); err != nil || fmt.Sprintf("f%d", n) != s {
		return false
	}
	return n >= 1 && n <= 20
}

// keyContexts are the actions live at the same time (one view): within
// one, a key may mean only one thing. Every view also has the global ones.
var keyContexts = map[string][]string{
	"namespaces": {"AddNamespace"},
	"entities":   {"Filter", "SortNext", "SortReverse", "OnlyDeadLetters", "AutoRefresh", "Rules", "Send"},
	"messages": {"Filter", "SortNext", "SortReverse", "NextTab", "PrevTab", "AbsoluteTime", "ReasonSummary",
		"Select", "SelectUp", "SelectDown", "SelectAll", "Lock", "Resubmit", "EditResubmit", "Delete", "Purge",
		"Export", "Send", "SendFromTemplate", "CancelScheduled", "AcceptSession", "LoadAll"},
	"locked": {"Complete", "Abandon", "DeadLetter", "Defer", "Renew", "RenewAll", "AutoRenew", "SessionState"},
	"detail": {"Mode", "Wrap", "Search", "NextMatch", "PrevMatch", "CopyBody", "CopyProperty", "SaveBody", "Pager", "Editor"},
}

var globalActions = []string{"Up", "Down", "Top", "Bottom", "PageUp", "PageDown", "Open", "Back", "Refresh", "Help", "Quit", "Jump"}

// checkClashes reports two actions of one view on the same key when at
// least one of them was overridden (the defaults are the key map's own
// business, and tested there).
func checkClashes(fields map[string]*key.Binding, changed map[string]bool) error {
	ctxNames := make([]string, 0, len(keyContexts))
	for c := range keyContexts {
		ctxNames = append(ctxNames, c)
	}
	slices.Sort(ctxNames)
	for _, c := range ctxNames {
		owner := map[string]string{}
		for _, name := range append(slices.Clone(globalActions), keyContexts[c]...) {
			b := fields[name]
			if b == nil || !b.Enabled() {
				continue
			}
			for _, k := range b.Keys() {
				other, taken := owner[k]
				if taken && other != name && (changed[name] || changed[other]) {
					return fmt.Errorf("%s and %s both use %q in the %s view; give one of them another key", other, name, k, c)
				}
				owner[k] = name
			}
		}
	}
	return nil
}
