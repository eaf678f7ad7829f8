package config

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// itemField is one field of a list item such as a client.
type itemField struct {
	name string
	list bool
	set  func(value string, items []string)
}

// decodeClients decodes the clients list, rejecting unknown fields.
func (l *fileLayer) decodeClients(node *yaml.Node) []Client {
	var clients []Client
	l.eachItem("clients", node, func(prefix string, item *yaml.Node) {
		var c Client
		l.decodeItem(prefix, item, []itemField{
			{name: "id", set: func(v string, _ []string) { c.ID = v }},
			{name: "type", set: func(v string, _ []string) { c.Type = v }},
			{name: "secret_file", set: func(v string, _ []string) { c.SecretFile = v }},
			{name: "origins", list: true, set: func(_ string, v []string) { c.Origins = v }},
			{name: "redirect_uris", list: true,
				set: func(_ string, v []string) { c.RedirectURIs = v }},
		})
		clients = append(clients, c)
	})
	return clients
}

// decodeCustomScopes decodes the scopes.custom list, rejecting unknown fields.
func (l *fileLayer) decodeCustomScopes(node *yaml.Node) []CustomScope {
	var custom []CustomScope
	l.eachItem("scopes.custom", node, func(prefix string, item *yaml.Node) {
		var s CustomScope
		l.decodeItem(prefix, item, []itemField{
			{name: "name", set: func(v string, _ []string) { s.Name = v }},
			{name: "description", set: func(v string, _ []string) { s.Description = v }},
			{name: "subscopes", list: true, set: func(_ string, v []string) { s.Subscopes = v }},
		})
		custom = append(custom, s)
	})
	return custom
}

// eachItem calls decode for every mapping in the sequence node of key.
func (l *fileLayer) eachItem(key string, node *yaml.Node, decode func(string, *yaml.Node)) {
	if isNull(node) {
		return
	}
	if node.Kind != yaml.SequenceNode {
		l.errs = append(l.errs, &FieldError{Key: key, Value: node.Value, Source: l.at(node),
			Problem: "a " + kindName(node) + " where a list of mappings is expected",
			Fix:     "write one \"- \" item per entry", Err: ErrInvalidValue})
		return
	}
	for i, item := range node.Content {
		item = deref(item)
		prefix := fmt.Sprintf("%s[%d]", key, i)
		if item.Kind != yaml.MappingNode {
			l.errs = append(l.errs, &FieldError{Key: prefix, Value: item.Value,
				Source: l.at(item), Problem: "a " + kindName(item) + " where a mapping is expected",
				Fix: "write the item's fields as key: value lines", Err: ErrInvalidValue})
			continue
		}
		l.sources[prefix] = l.at(item)
		decode(prefix, item)
	}
}

// decodeItem stores each field of one list item and reports unknown fields.
func (l *fileLayer) decodeItem(prefix string, item *yaml.Node, known []itemField) {
	names := make([]string, len(known))
	for i, f := range known {
		names[i] = f.name
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(item.Content); i += 2 {
		keyNode, valueNode := item.Content[i], deref(item.Content[i+1])
		name := prefix + "." + keyNode.Value
		f, ok := findItemField(known, keyNode.Value)
		if !ok {
			l.errs = append(l.errs, unknown(name, l.at(keyNode), suggestKey(keyNode.Value, names,
				"remove it; known fields: "+strings.Join(names, ", "))))
			continue
		}
		if seen[f.name] {
			l.errs = append(l.errs, &FieldError{Key: name, Value: valueNode.Value,
				Source: l.at(keyNode), Problem: "duplicate field", Fix: "keep one of them",
				Err: ErrInvalidValue})
			continue
		}
		seen[f.name] = true
		l.sources[name] = l.at(keyNode)
		l.setItemField(name, f, valueNode)
	}
}

// setItemField stores one field value of a list item.
func (l *fileLayer) setItemField(name string, f itemField, node *yaml.Node) {
	switch {
	case isNull(node):
		f.set("", nil)
	case f.list && node.Kind == yaml.SequenceNode:
		var items []string
		for _, item := range node.Content {
			item = deref(item)
			if item.Kind != yaml.ScalarNode {
				l.errs = append(l.errs, &FieldError{Key: name, Source: l.at(item),
					Problem: "a " + kindName(item) + " inside the list",
					Fix:     "write each item as a plain value", Err: ErrInvalidValue})
				continue
			}
			items = append(items, item.Value)
		}
		f.set("", items)
	case f.list && node.Kind == yaml.ScalarNode:
		f.set("", list(node.Value))
	case !f.list && node.Kind == yaml.ScalarNode:
		f.set(node.Value, nil)
	default:
		want := "one value"
		if f.list {
			want = "a list"
		}
		l.errs = append(l.errs, &FieldError{Key: name, Value: node.Value, Source: l.at(node),
			Problem: "a " + kindName(node) + " where " + want + " is expected",
			Fix:     "write " + want, Err: ErrInvalidValue})
	}
}

// findItemField returns the known field called name.
func findItemField(known []itemField, name string) (itemField, bool) {
	for _, f := range known {
		if f.name == name {
			return f, true
		}
	}
	return itemField{}, false
}
