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
	return nil
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
	return v, nil
}

func readBody(c echo.Context) ([]byte, error) {
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		var he *echo.HTTPError
		if errors.As(err, &he) {
			return nil, he
		}
		return nil, badRequest("reading the request body failed: %v", err)
	}
	return body, nil
}

func requireMediaType(c echo.Context, want string) error {
	ct := c.Request().Header.Get(echo.HeaderContentType)
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || mt != want {
		return newError(http.StatusUnsupportedMediaType, codeUnsupportedMedia,
			"Content-Type %q is not accepted here: send %s", ct, want)
	}
	return nil
}

// describeJSONError turns a decoding error into a message that names the field.
func describeJSONError(err error) string {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		return fmt.Sprintf("field %q must be %s, got %s", typeErr.Field, typeErr.Type, typeErr.Value)
	case errors.As(err, &syntaxErr):
		return fmt.Sprintf("syntax error at byte %d: %v", syntaxErr.Offset, syntaxErr)
	case errors.Is(err, io.EOF):
		return "the body is empty: send a JSON object"
	}
	return err.Error()
}
