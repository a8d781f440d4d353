package sbsvc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"unicode"
)

// secretsDirName is the folder next to the config file that holds the
// connection strings AddConfigNamespace stores, one file per namespace.
const secretsDirName = "secrets"

// defaultNamespaceSuffix completes a bare namespace name ("contoso") into
// the public cloud's host name.
const defaultNamespaceSuffix = ".servicebus.windows.net"

// AddConfigNamespace adds n to the config file at path, creating the file
// (0600) and its directory (0700) when they do not exist and keeping every
// other entry. A name already in the file, or an empty one, is refused.
//
// secret, when not empty, is a connection string the user pasted: it is
// checked, written to <dir>/secrets/<name>.connstr (0600), and n refers to
// it as "file:<path>" — the config file itself never holds a secret. Both
// files are replaced atomically (temporary file, then rename), so a crash
// leaves either the old config or the new one. No error quotes the secret.
func AddConfigNamespace(path string, n ConfigNamespace, secret string) error {
	fail := func(err error) error { return fmt.Errorf("add namespace to config %s: %w", path, err) }
	n.Name = strings.TrimSpace(n.Name)
	if err := checkConfigName(n.Name); err != nil {
		return fail(err)
	}
	absPath, err := filepath.Abs(path)
	if err != nil {
		return fail(err)
	}
	dir := filepath.Dir(absPath)
	secret = strings.TrimSpace(secret)
	if secret != "" {
		if err := prepareSecretEntry(&n); err != nil {
			return fail(err)
		}
		if _, err := ParseConnectionString(secret); err != nil {
			return fail(err)
		}
	}
	if err := checkEntryShape(n, secret); err != nil {
		return fail(err)
	}

	cf, err := readConfigForUpdate(absPath)
	if err != nil {
		return fail(err)
	}
	for _, existing := range cf.Namespaces {
		if strings.EqualFold(existing.Name, n.Name) {
			return fail(fmt.Errorf("a namespace named %q is already in the config; pick another name", existing.Name))
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fail(err)
	}

	var secretPath string
	if secret != "" {
		secretPath = filepath.Join(dir, secretsDirName, secretFileName(n.Name))
		for _, existing := range cf.Namespaces {
			if refersToFile(existing.ConnectionString, dir, secretPath) {
				return fail(fmt.Errorf("namespace %q already uses the secret file %s; pick another name", existing.Name, secretPath))
			}
		}
		if err := os.MkdirAll(filepath.Dir(secretPath), 0o700); err != nil {
			return fail(err)
		}
		if err := writeFileAtomic(secretPath, []byte(secret+"\n")); err != nil {
			return fail(fmt.Errorf("write the secret file: %w", err))
		}
		n.ConnectionString = "file:" + secretPath
	}

	cf.Namespaces = append(cf.Namespaces, n)
	data, err := json.MarshalIndent(cf, "", "  ")
	if err != nil {
		return fail(err)
	}
	if err := writeFileAtomic(absPath, append(data, '\n')); err != nil {
		if secretPath != "" {
			_ = os.Remove(secretPath) // nothing refers to it now
		}
		return fail(err)
	}
	return nil
}

// checkConfigName refuses names that would be ambiguous or unprintable in
// the namespace list.
func checkConfigName(name string) error {
	if name == "" {
		return errors.New("the namespace name is empty")
	}
	if len(name) > 100 {
		return errors.New("the namespace name is longer than 100 characters")
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return errors.New("the namespace name contains a control character")
		}
	}
	return nil
}

// prepareSecretEntry makes n a connection-string entry whose reference is
// filled in later, refusing an entry that already says otherwise.
func prepareSecretEntry(n *ConfigNamespace) error {
	if n.ConnectionString != "" {
		return errors.New("give either a pasted connection string or a connectionString reference, not both")
	}
	kind, err := ParseAuthKind(n.Auth)
	if err != nil {
		return err
	}
	if n.Auth != "" && kind != AuthConnectionString {
		return fmt.Errorf("a connection string was given but auth is %q", kind)
	}
	n.Auth = AuthConnectionString.String()
	return nil
}

// checkEntryShape runs the loader's checks on n without reading any
// secret: a reference is replaced by a stand-in, since an environment
// variable may only be set later, in the shell that starts sbx.
func checkEntryShape(n ConfigNamespace, secret string) error {
	if secret == "" && n.ConnectionString != "" &&
		!strings.HasPrefix(n.ConnectionString, "env:") && !strings.HasPrefix(n.ConnectionString, "file:") {
		// The same refusal LoadConfig gives, without quoting the value.
		_, _, err := resolveSecret(n.ConnectionString, func(string) string { return "" }, false)
		return err
	}
	if secret != "" || n.ConnectionString != "" {
		n.ConnectionString = "env:SBX_CONFIG_CHECK"
	}
	standIn := func(string) string { return "Endpoint=sb://check/;SharedAccessKeyName=k;SharedAccessKey=k" }
	_, _, err := n.source(standIn, "")
	return err
}

// readConfigForUpdate reads the current config strictly: a file sbx cannot
// read back is not overwritten, since that would lose the user's entries.
func readConfigForUpdate(path string) (ConfigFile, error) {
	var cf ConfigFile
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return cf, nil
	}
	if err != nil {
		return cf, err
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return cf, nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cf); err != nil {
		return cf, fmt.Errorf("the existing file cannot be read (%w); fix it first, it is left unchanged", err)
	}
	return cf, nil
}

// secretFileName turns a display name into a file name that stays inside
// the secrets folder: anything but letters, digits, '-', '_' and '.'
// becomes '_', and a leading dot is escaped so the file is not hidden or "..".
func secretFileName(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)), r == '-', r == '_', r == '.':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	s := b.String()
	if strings.HasPrefix(s, ".") {
		s = "_" + s
	}
	return s + ".connstr"
}

// refersToFile reports whether a config reference names target.
func refersToFile(ref, baseDir, target string) bool {
	p, ok := strings.CutPrefix(ref, "file:")
	if !ok {
		return false
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(baseDir, p)
	}
	return filepath.Clean(p) == filepath.Clean(target)
}

// writeFileAtomic writes data to a temporary file in path's directory with
// mode 0600, syncs it and renames it over path.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(0o600); err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	done = true
	return nil
}

// ValidateNamespaceInput reads what a user pasted to add a namespace: a
// connection string, or a namespace name or host ("contoso" or
// "contoso.servicebus.windows.net"). It returns the config entry, the
// secret to store (the connection string, or "") and an error that says
// what is wrong without quoting the input, which may hold a key.
func ValidateNamespaceInput(s string) (ConfigNamespace, string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return ConfigNamespace{}, "", errors.New("nothing was entered: paste a connection string or type a namespace name")
	}
	if looksLikeConnectionString(s) {
		cs, err := ParseConnectionString(s)
		if err != nil {
			return ConfigNamespace{}, "", err
		}
		name := namespaceLabel(cs.FQDN)
		if cs.EntityPath != "" {
			name += "/" + cs.EntityPath
		}
		return ConfigNamespace{Name: name, Auth: AuthConnectionString.String()}, s, nil
	}
	host, err := namespaceHost(s)
	if err != nil {
		return ConfigNamespace{}, "", err
	}
	return ConfigNamespace{
		Name:                    namespaceLabel(host),
		Auth:                    AuthDefault.String(),
		FullyQualifiedNamespace: host,
	}, "", nil
}

// looksLikeConnectionString: Name=Value pairs separated by ';'. A key
// pasted on its own also holds '=' (base64 padding) but does not start
// with a name, and goes on to be refused as not a namespace name.
func looksLikeConnectionString(s string) bool {
	if strings.Contains(s, ";") {
		return true
	}
	name, _, ok := strings.Cut(s, "=")
	return ok && looksLikeKeyName(strings.TrimSpace(name))
}

// namespaceHost turns a name or host into the namespace's host name,
// accepting the sb:// or https:// forms the portal shows.
func namespaceHost(s string) (string, error) {
	for _, scheme := range []string{"sb://", "https://", "amqps://"} {
		if len(s) > len(scheme) && strings.EqualFold(s[:len(scheme)], scheme) {
			s = s[len(scheme):]
			break
		}
	}
	s = strings.TrimSuffix(s, "/")
	host, port := s, ""
	if h, p, err := net.SplitHostPort(s); err == nil {
		host, port = h, p
	}
	const want = "expected a connection string, a namespace name (contoso) or its host (contoso.servicebus.windows.net)"
	if host == "" {
		return "", errors.New("the namespace name is empty; " + want)
	}
	if !strings.Contains(host, ".") {
		if err := checkNamespaceName(host); err != nil {
			return "", err
		}
		host += defaultNamespaceSuffix
	} else {
		for _, label := range strings.Split(host, ".") {
			if !isDNSLabel(label) {
				return "", errors.New("that is not a valid host name; " + want)
			}
		}
	}
	if port != "" {
		return net.JoinHostPort(host, port), nil
	}
	return strings.ToLower(host), nil
}

// checkNamespaceName applies Azure's rules for a namespace name (letters,
// digits and hyphens, starting with a letter, not ending with a hyphen), so
// a pasted key or typo is caught before any sign-in is attempted.
func checkNamespaceName(name string) error {
	const rules = "a namespace name has letters, digits and hyphens, starts with a letter and does not end with a hyphen"
	if len(name) > 50 {
		return errors.New("the namespace name is longer than 50 characters; " + rules)
	}
	if !isDNSLabel(name) || !unicode.IsLetter(rune(name[0])) {
		return errors.New("that is neither a connection string nor a namespace name; " + rules)
	}
	return nil
}

func isDNSLabel(s string) bool {
	if s == "" || len(s) > 63 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// namespaceLabel is the display name for a host: its first label
// ("contoso" of contoso.servicebus.windows.net), or the whole host without
// its port when that would say nothing (an IP address, localhost).
func namespaceLabel(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if net.ParseIP(host) != nil || !strings.Contains(host, ".") {
		return strings.ToLower(host)
	}
	first, _, _ := strings.Cut(host, ".")
	return strings.ToLower(first)
}
