package chat

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

const (
	testBOS = "<|begin_of_text|>"
	testEOS = "<|eot_id|>"
)

// conversation is the golden-file dialogue: system prompt, user, assistant.
// The stray white space checks that templates which trim do trim.
var conversation = []Message{
	{Role: "system", Content: "You are a helpful assistant.\n"},
	{Role: "user", Content: "  What is the capital of France?"},
	{Role: "assistant", Content: "The capital of France is Paris."},
}

func mustNew(t *testing.T, src, bos, eos string) *Template {
	t.Helper()
	tmpl, err := New(src, bos, eos)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return tmpl
}

func mustRender(t *testing.T, tmpl *Template, msgs []Message, gen bool) string {
	t.Helper()
	out, err := tmpl.Render(msgs, gen)
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	return out
}

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatalf("update golden: %v", err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run with -update to create): %v", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s\n got: %q\nwant: %q", path, got, want)
	}
}

func TestGolden(t *testing.T) {
	tests := []struct {
		golden string
		src    string
		name   string
	}{
		{"llama3", llama3Source, NameLlama3},
		{"bitnet", bitnetSource, NameBitNet},
		{"chatml", chatmlSource, NameChatML},
		{"default-plain", "", NameDefault},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			bos := testBOS
			if tt.src == "" {
				bos = "<s>" // not LLaMA-3's, so the plain default
			}
			tmpl := mustNew(t, tt.src, bos, testEOS)
			if tmpl.Name() != tt.name {
				t.Fatalf("Name() = %q, want %q", tmpl.Name(), tt.name)
			}
			golden(t, tt.golden+".golden.txt", mustRender(t, tmpl, conversation, false))
			golden(t, tt.golden+".genprompt.golden.txt", mustRender(t, tmpl, conversation[:2], true))
		})
	}
}

// TestNativeMatchesJinja is what makes the native renderers trustworthy:
// for the real template strings, the Jinja engine and the native code must
// agree byte for byte on every conversation shape we can think of.
func TestNativeMatchesJinja(t *testing.T) {
	convs := map[string][]Message{
		"empty":            nil,
		"golden":           conversation,
		"user only":        {{Role: "user", Content: "Hi"}},
		"assistant first":  {{Role: "assistant", Content: "Hello!"}, {Role: "user", Content: "Hey"}},
		"two systems":      {{Role: "system", Content: "A"}, {Role: "user", Content: "B"}, {Role: "system", Content: "C"}},
		"system only":      {{Role: "system", Content: "Be brief."}},
		"unknown roles":    {{Role: "tool", Content: "42"}, {Role: "user", Content: "x"}, {Role: "ipython", Content: "y"}},
		"capitalised role": {{Role: "User", Content: "case matters"}},
		"empty content":    {{Role: "user", Content: ""}, {Role: "assistant", Content: "   "}},
		"white space": {
			{Role: "user", Content: "\t\n  padded \r\n"},
			{Role: "assistant", Content: "\u00a0nbsp\u2003em space\u3000"},
		},
		"special text in content": {
			{Role: "user", Content: "<|eot_id|><|start_header_id|>system<|end_header_id|>{{ bos_token }}{% if %}"},
		},
		"unicode":   {{Role: "user", Content: "héllo 世界 🙂"}, {Role: "assistant", Content: "ça va"}},
		"multiline": {{Role: "user", Content: "line 1\n\nline 2\n"}, {Role: "assistant", Content: "a\nb"}},
		"long dialogue": {
			{Role: "system", Content: "S"}, {Role: "user", Content: "1"}, {Role: "assistant", Content: "2"},
			{Role: "user", Content: "3"}, {Role: "assistant", Content: "4"}, {Role: "user", Content: "5"},
		},
	}
	sources := map[string]string{
		NameLlama3: llama3Source,
		NameBitNet: bitnetSource,
		NameChatML: chatmlSource,
	}
	for name, src := range sources {
		jt, err := compileJinja(src)
		if err != nil {
			t.Fatalf("%s: the Jinja engine cannot compile the real template: %v", name, err)
		}
		native := mustNew(t, src, testBOS, testEOS)
		if native.Name() != name {
			t.Fatalf("New(%s source).Name() = %q", name, native.Name())
		}
		for _, bos := range []string{testBOS, ""} {
			native := mustNew(t, src, bos, testEOS)
			for cname, msgs := range convs {
				for _, gen := range []bool{false, true} {
					want, err := renderJinja(jt, msgs, gen, bos, testEOS)
					if err != nil {
						t.Fatalf("%s/%s: Jinja render: %v", name, cname, err)
					}
					got := mustRender(t, native, msgs, gen)
					if got != want {
						t.Errorf("%s/%s (bos=%q gen=%v): native and Jinja differ\nnative: %q\n jinja: %q",
							name, cname, bos, gen, got, want)
					}
				}
			}
		}
	}
}

// FuzzNativeMatchesJinja extends the comparison to arbitrary contents;
// `go test` runs the seeds, `go test -fuzz` explores.
func FuzzNativeMatchesJinja(f *testing.F) {
	f.Add("system", " sys ", "user", "hi\n", true)
	f.Add("user", "", "assistant", "\u0085x\u00a0", false)
	f.Add("tool", "{{ x }}", "system", "<|im_end|>", true)
	jts := map[string]string{NameLlama3: llama3Source, NameBitNet: bitnetSource, NameChatML: chatmlSource}
	f.Fuzz(func(t *testing.T, r1, c1, r2, c2 string, gen bool) {
		msgs := []Message{{Role: r1, Content: c1}, {Role: r2, Content: c2}}
		for name, src := range jts {
			jt, err := compileJinja(src)
			if err != nil {
				t.Fatal(err)
			}
			want, err := renderJinja(jt, msgs, gen, testBOS, testEOS)
			if err != nil {
				t.Fatal(err)
			}
			tmpl, err := New(src, testBOS, testEOS)
			if err != nil {
				t.Fatal(err)
			}
			got, err := tmpl.Render(msgs, gen)
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("%s: native %q, Jinja %q", name, got, want)
			}
		}
	})
}

func TestSelection(t *testing.T) {
	// LLaMA-3.1 style: shares the header markers but is not the LLaMA-3
	// template, so it must go through Jinja rather than be flattened.
	llama31ish := `{{- bos_token }}{%- if messages[0]['role'] == 'system' %}{%- set system_message = messages[0]['content']|trim %}{%- set messages = messages[1:] %}{%- else %}{%- set system_message = "" %}{%- endif %}` +
		`{{- "<|start_header_id|>system<|end_header_id|>\n\n" }}{{- "Cutting Knowledge Date: December 2023\n\n" }}{{- system_message }}{{- "<|eot_id|>" }}` +
		`{%- for message in messages %}{{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' }}{%- endfor %}` +
		`{%- if add_generation_prompt %}{{- '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{%- endif %}`
	gemmaish := `{{ bos_token }}{% for message in messages %}{% if message['role'] == 'assistant' %}{% set role = 'model' %}{% else %}{% set role = message['role'] %}{% endif %}{{ '<start_of_turn>' + role + '\n' + message['content'] | trim + '<end_of_turn>\n' }}{% endfor %}{% if add_generation_prompt %}{{'<start_of_turn>model\n'}}{% endif %}`

	msgs := []Message{{Role: "system", Content: "Sys"}, {Role: "user", Content: "Hi"}}
	tests := []struct {
		name     string
		src, bos string
		wantName string
		want     string
	}{
		{"exact llama3 with trailing newline", llama3Source + "\n", testBOS, NameLlama3,
			"<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nSys<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n"},
		{"exact bitnet", bitnetSource, testBOS, NameBitNet,
			"<|begin_of_text|>System: Sys<|eot_id|>User: Hi<|eot_id|>Assistant: "},
		{"exact chatml", chatmlSource, "", NameChatML,
			"<|im_start|>system\nSys<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"},
		{"llama3.1-like variant goes through jinja", llama31ish, testBOS, NameJinja,
			"<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\n\nSys<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n"},
		{"unknown family through jinja", gemmaish, "<bos>", NameJinja,
			"<bos><start_of_turn>system\nSys<end_of_turn>\n<start_of_turn>user\nHi<end_of_turn>\n<start_of_turn>model\n"},
		{"empty template, llama3 vocabulary", "", testBOS, NameDefault,
			"<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nSys<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n"},
		{"white-space template is empty", " \n", "<s>", NameDefault,
			"<s>System: Sys\nUser: Hi\nAssistant:"},
		// The engine cannot parse these, but the markers identify the family.
		{"broken chatml falls back to native", `{% for message in messages %}<|im_start|>{{ message.role`, "", NameChatML,
			"<|im_start|>system\nSys<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"},
		{"broken llama3 falls back to native", `{% if %}<|start_header_id|>{{ x }}<|end_header_id|>`, testBOS, NameLlama3,
			"<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nSys<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n"},
		{"llama3 family with unknown filter falls back", `{{ messages | no_such_filter }}<|start_header_id|><|end_header_id|>`, testBOS, NameLlama3,
			"<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nSys<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n"},
		{"broken bitnet-like falls back to native", `{% for m in messages %}{{ 'User: ' + '<|eot_id|>' }}{{ 'Assistant: ' `, testBOS, NameBitNet,
			"<|begin_of_text|>System: Sys<|eot_id|>User: Hi<|eot_id|>Assistant: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmpl := mustNew(t, tt.src, tt.bos, "<eos>")
			if tmpl.Name() != tt.wantName {
				t.Errorf("Name() = %q, want %q", tmpl.Name(), tt.wantName)
			}
			if got := mustRender(t, tmpl, msgs, true); got != tt.want {
				t.Errorf("Render:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestDefaultPlain(t *testing.T) {
	tmpl := mustNew(t, "", "<s>", "</s>")
	msgs := []Message{{Role: "user", Content: " Hi "}, {Role: "assistant", Content: "Hello"}, {Role: "tool", Content: "x"}}
	if got, want := mustRender(t, tmpl, msgs, false), "<s>User: Hi\nAssistant: Hello\nTool: x\n"; got != want {
		t.Errorf("Render = %q, want %q", got, want)
	}
	if got := mustRender(t, tmpl, nil, true); got != "<s>Assistant:" {
		t.Errorf("Render(nil, true) = %q", got)
	}
	noBOS := mustNew(t, "", "", "")
	if got := mustRender(t, noBOS, msgs[:1], true); got != "User: Hi\nAssistant:" {
		t.Errorf("Render without BOS = %q", got)
	}
}

func TestUnsupported(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string // expected in the error text
	}{
		{"unclosed expression", "{{ messages", "unclosed"},
		{"unclosed block", "{% for m in messages %}{{ m.content }}", "for"},
		{"stray endif", "{% endif %}", ""},
		{"for without in", "{% for %}{% endfor %}", "in"},
		{"unknown filter", "{{ messages[0].content | shout }}", "shout"},
		{"raises on every input", "{{ raise_exception('no chat here') }}", "no chat here"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmpl, err := New(tt.src, "<s>", "</s>")
			if err == nil {
				t.Fatalf("New succeeded with Name %q, want an error", tmpl.Name())
			}
			if !errors.Is(err, ErrUnsupported) {
				t.Errorf("error %v does not wrap ErrUnsupported", err)
			}
			if !strings.Contains(err.Error(), "chat template not supported") || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q should say the template is not supported and mention %q", err, tt.want)
			}
		})
	}
}

// A template may refuse particular conversations; that is a Render error,
// not a load error and never a panic.
func TestRenderErrors(t *testing.T) {
	src := `{% for m in messages %}{% if m['role'] == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}<turn>{{ m['content'] }}</turn>{% endfor %}`
	tmpl := mustNew(t, src, "<s>", "</s>")
	if tmpl.Name() != NameJinja {
		t.Fatalf("Name() = %q", tmpl.Name())
	}
	if got := mustRender(t, tmpl, []Message{{Role: "user", Content: "ok"}}, false); got != "<turn>ok</turn>" {
		t.Errorf("Render = %q", got)
	}
	_, err := tmpl.Render([]Message{{Role: "system", Content: "x"}}, false)
	if err == nil || !strings.Contains(err.Error(), "System role not supported") {
		t.Errorf("Render with system message: err = %v, want the template's exception", err)
	}
}

func TestJinjaVariables(t *testing.T) {
	src := `[{{ bos_token }}|{{ eos_token }}|{{ add_generation_prompt }}|{{ messages | length }}|{{ messages[0].role }}={{ messages[0]['content'] }}]`
	tmpl := mustNew(t, src, "<B>", "<E>")
	got := mustRender(t, tmpl, []Message{{Role: "user", Content: "c"}, {Role: "assistant", Content: "d"}}, true)
	if want := "[<B>|<E>|True|2|user=c]"; got != want {
		t.Errorf("Render = %q, want %q", got, want)
	}
}
