package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"reflect"
	"strings"

	"github.com/labstack/echo/v4"
)

// decodeJSON reads exactly one JSON object into dst, rejecting other content
// types, unknown fields and trailing data.
func decodeJSON(c echo.Context, dst any) error {
	if err := requireMediaType(c, echo.MIMEApplicationJSON); err != nil {
		return err
	}
	body, err := readBody(c)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return badRequest("malformed JSON body: %s", describeJSONError(err))
	}
	if dec.More() {
		return badRequest("malformed JSON body: trailing data after the object")
	}
	if err := checkJSONMembers(body, jsonNames(dst)); err != nil {
		return badRequest("malformed JSON body: %v", err)
	}
	return nil
}

// checkJSONMembers rejects a repeated member and a member whose name matches a
// field only when letter case is ignored: encoding/json would accept both,
// keeping the last value or folding the case, so {"subject":"a","subject":"b"}
// and {"SUBJECT":"a"} would pass unnoticed.
func checkJSONMembers(body []byte, names map[string]bool) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	if _, err := dec.Token(); err != nil {
		return err
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		name, _ := tok.(string)
		if seen[name] {
			return fmt.Errorf("field %.40q appears twice", name)
		}
		seen[name] = true
		if !names[name] {
			return fmt.Errorf("field %.40q is not known: field names are case-sensitive", name)
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return err
		}
	}
	return nil
}

// jsonNames returns the JSON member names of the struct dst points to.
func jsonNames(dst any) map[string]bool {
	t := reflect.TypeOf(dst)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	names := map[string]bool{}
	if t.Kind() != reflect.Struct {
		return names
	}
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name == "" {
			name = t.Field(i).Name
		}
		names[name] = true
	}
	return names
}

// decodeForm parses an application/x-www-form-urlencoded body.
func decodeForm(c echo.Context) (url.Values, error) {
	if err := requireMediaType(c, echo.MIMEApplicationForm); err != nil {
		return nil, err
	}
	body, err := readBody(c)
	if err != nil {
		return nil, err
	}
	v, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, badRequest("malformed form body: %v", err)
	}
	for name, values := range v {
		// RFC 8693 section 2.1 lets audience and resource repeat.
		if len(values) > 1 && name != "audience" && name != "resource" {
			return nil, badRequest("parameter %.40q appears %d times: send it once "+
				"(RFC 6749 section 3.1)", name, len(values))
		}
	}
	return v, nil
}

func readBody(c echo.Context) ([]byte, error) {
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		var he *echo.HTTPError
		if errors.As(err, &he) {
			return nil, he
		}
		return nil, badRequest("reading the request body failed or timed out: send the " +
			"whole body that Content-Length announces")
	}
	return body, nil
}

func requireMediaType(c echo.Context, want string) error {
	ct := c.Request().Header.Get(echo.HeaderContentType)
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || mt != want {
		return newError(http.StatusUnsupportedMediaType, codeUnsupportedMedia,
			"Content-Type %.100q is not accepted here: send %s", ct, want)
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return newError(http.StatusUnsupportedMediaType, codeUnsupportedMedia,
			"charset %.40q is not accepted: send UTF-8", cs)
	}
	if enc := c.Request().Header.Get("Content-Encoding"); enc != "" && !strings.EqualFold(enc, "identity") {
		return newError(http.StatusUnsupportedMediaType, codeUnsupportedMedia,
			"Content-Encoding %.40q is not accepted: send the body uncompressed", enc)
	}
	return nil
}

// describeJSONError turns a decoding error into a message that names the field.
func describeJSONError(err error) string {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		return fmt.Sprintf("field %q must be %s, got %s", typeErr.Field, jsonKind(typeErr.Type),
			typeErr.Value)
	case errors.As(err, &syntaxErr):
		return fmt.Sprintf("syntax error at byte %d: %v", syntaxErr.Offset, syntaxErr)
	case errors.Is(err, io.EOF):
		return "the body is empty: send a JSON object"
	}
	return err.Error()
}

// jsonKind names a Go type in JSON terms for error messages.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "a list of " + strings.TrimPrefix(jsonKind(t.Elem()), "a ") + "s"
	case reflect.Pointer:
		return jsonKind(t.Elem())
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return t.String()
}
