package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"go.yaml.in/yaml/v3"
)

// fileLayer is the content of one YAML config file, flattened to dotted keys.
type fileLayer struct {
	path    string
	values  map[string]any // dotted key to string or []string
	sources map[string]string
	clients []Client
	custom  []CustomScope
	errs    []error
}

// readFile reads and walks the YAML file at path. An unreadable file or bad
// YAML syntax returns an error; problems with keys and values are in errs.
func readFile(path string) (*fileLayer, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: read config file: %w; check the --config path", err)
	}
	return parseFile(path, data)
}

// parseFile walks YAML data as if read from path.
func parseFile(path string, data []byte) (*fileLayer, error) {
	layer := &fileLayer{path: path, values: map[string]any{}, sources: map[string]string{}}
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return layer, nil
		}
		return nil, fmt.Errorf("config: parse %s: %w; fix the YAML syntax", path, err)
	}
	root := deref(&doc)
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = deref(root.Content[0])
	}
	if isNull(root) {
		return layer, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("config: parse %s: the top level is not a mapping; "+
			"write keys such as \"listen: 127.0.0.1:8090\"", path)
	}
	layer.walkMapping(root, "")
	return layer, nil
}

// walkMapping records every key of a mapping under the dotted prefix.
func (l *fileLayer) walkMapping(node *yaml.Node, prefix string) {
	seen := map[string]int{}
	for i := 0; i+1 < len(node.Content); i += 2 {
		keyNode, valueNode := node.Content[i], deref(node.Content[i+1])
		name := prefix + keyNode.Value
		source := l.at(keyNode)
		if line, dup := seen[keyNode.Value]; dup {
			l.errs = append(l.errs, &FieldError{Key: name, Source: source,
				Problem: fmt.Sprintf("duplicate key, first set on line %d", line),
				Fix:     "keep one of them", Err: ErrInvalidValue, Value: valueNode.Value})
			continue
		}
		seen[keyNode.Value] = keyNode.Line
		if f, ok := lookupField(name); ok {
			l.sources[name] = source
			l.setField(f, valueNode, source)
			continue
		}
		if isSection(name) {
			l.walkSection(name, valueNode, source)
			continue
		}
		l.errs = append(l.errs, unknown(name, source, suggestKey(name, KeyNames(), removeKeyFix)))
	}
}

// removeKeyFix is the fix for an unknown key that looks like no known key.
const removeKeyFix = "remove it; docs/configuration.md lists every key"

// walkSection descends into a section such as token.
func (l *fileLayer) walkSection(name string, node *yaml.Node, source string) {
	switch {
	case isNull(node):
	case node.Kind == yaml.MappingNode:
		l.walkMapping(node, name+".")
	default:
		l.errs = append(l.errs, &FieldError{Key: name, Value: node.Value, Source: source,
			Problem: "a value where a section of keys is expected",
			Fix:     "write the keys under it, such as " + firstKeyIn(name) + ": ...",
			Err:     ErrInvalidValue})
	}
}

// setField stores the value node of a known key.
func (l *fileLayer) setField(f field, node *yaml.Node, source string) {
	switch f.kind {
	case kindFileOnly:
		l.setFileOnly(f, node)
	case kindList:
		l.setList(f, node, source)
	default:
		switch {
		case isNull(node):
			l.values[f.key] = ""
		case node.Kind == yaml.ScalarNode:
			// The text as written, so 3.0 stays "3.0" and 0123 keeps its zero.
			l.values[f.key] = node.Value
		default:
			l.errs = append(l.errs, &FieldError{Key: f.key, Source: source,
				Problem: "a " + kindName(node) + " where one value is expected",
				Fix:     "write a single value", Err: ErrInvalidValue})
		}
	}
}

// setList stores a sequence of scalars, or a comma-separated scalar.
func (l *fileLayer) setList(f field, node *yaml.Node, source string) {
	switch {
	case isNull(node):
		l.values[f.key] = []string(nil)
	case node.Kind == yaml.ScalarNode:
		l.values[f.key] = node.Value
	case node.Kind == yaml.SequenceNode:
		var items []string
		for _, item := range node.Content {
			item = deref(item)
			if item.Kind != yaml.ScalarNode {
				l.errs = append(l.errs, &FieldError{Key: f.key, Source: l.at(item),
					Problem: "a " + kindName(item) + " inside the list",
					Fix:     "write each item as a plain value", Err: ErrInvalidValue})
				continue
			}
			items = append(items, item.Value)
		}
		l.values[f.key] = items
	default:
		l.errs = append(l.errs, &FieldError{Key: f.key, Source: source,
			Problem: "a mapping where a list is expected",
			Fix:     "write a YAML list, such as [a, b]", Err: ErrInvalidValue})
	}
}

// setFileOnly decodes clients or scopes.custom.
func (l *fileLayer) setFileOnly(f field, node *yaml.Node) {
	switch f.key {
	case "clients":
		l.clients = l.decodeClients(node)
	case "scopes.custom":
		l.custom = l.decodeCustomScopes(node)
	}
}

// at returns the source text of a node: the file and the line.
func (l *fileLayer) at(node *yaml.Node) string {
	return fmt.Sprintf("%s line %d", l.path, node.Line)
}

// deref follows YAML aliases to the node they name.
func deref(node *yaml.Node) *yaml.Node {
	for node.Kind == yaml.AliasNode && node.Alias != nil {
		node = node.Alias
	}
	return node
}

// isNull reports whether node is empty or an explicit null.
func isNull(node *yaml.Node) bool {
	return node.Kind == 0 || (node.Kind == yaml.ScalarNode && node.Tag == "!!null")
}

// kindName names a node kind in error messages.
func kindName(node *yaml.Node) string {
	switch node.Kind {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "list"
	default:
		return "value"
	}
}

// firstKeyIn returns the first key of a section, for examples in messages.
func firstKeyIn(section string) string {
	for _, key := range KeyNames() {
		if len(key) > len(section) && key[:len(section)+1] == section+"." {
			return key[len(section)+1:]
		}
	}
	return "key"
}
