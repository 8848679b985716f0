import { GoTemplateRenderer } from './support/go-template-renderer';

/** Renders one template text with `data` as dot (and $), plus optional helper files holding defines. */
function render(source: string, data: unknown = {}, helpers = ''): string {
  const renderer = new GoTemplateRenderer();
  if (helpers) renderer.addFile('_helpers.tpl', helpers);
  renderer.addFile('t.yaml', source);
  return renderer.render('t.yaml', data);
}

describe(GoTemplateRenderer.name, () => {
  describe('text and trim markers', () => {
    it('removes the whitespace (newlines included) beside {{- and -}} and nothing else', () => {
      expect(render('a:\n  {{- "x" }}\nb: {{ "y" -}}  \n\n c')).toBe('a:x\nb: yc');
      expect(render('{{/* a comment */}}k: v')).toBe('k: v');
      expect(render('k:\n{{- /* trimmed comment */ -}}\n  v')).toBe('k:v');
    });

    it('refuses actions outside the subset instead of guessing', () => {
      expect(() => render('{{ template "x" . }}')).toThrow(/outside the supported template subset/);
      expect(() => render('{{ lookup "v1" "Secret" "ns" "n" }}')).toThrow(/function "lookup" is outside the supported subset/);
      expect(() => render('{{ if true }}x')).toThrow(/without end/);
    });
  });

  describe('values', () => {
    it('prints float64 values the way Go does: seven digits and more in exponent form, int64 in full', () => {
      const data = { Values: { small: 8080, big: 1048576, half: 0.5 } };
      expect(render('{{ .Values.small }} {{ .Values.big }} {{ .Values.half }}', data)).toBe('8080 1.048576e+06 0.5');
      expect(render('{{ .Values.big | int64 }} {{ .Values.big | int64 | quote }}', data)).toBe('1048576 "1048576"');
      expect(render('{{ printf "%d/%d" (int64 .Values.small) .Values.small }}', data)).toBe('8080/%!d(float64=8080)');
    });

    it('fails on a missing key or a field of nil, where Helm would print nothing', () => {
      expect(() => render('{{ .Values.nope }}', { Values: {} })).toThrow(/missing key .Values.nope/);
      expect(() => render('{{ .Values.a.b }}', { Values: { a: null } })).toThrow(/nil pointer evaluating .Values.a.b/);
    });

    it('refuses to print a map or list (toYaml is the way)', () => {
      expect(() => render('{{ .Values }}', { Values: { a: 1 } })).toThrow(/printing a map/);
    });

    it('quotes with escapes so a multi-line PEM stays one YAML scalar', () => {
      expect(render('k: {{ .v | quote }}', { v: 'a\n"b"' })).toBe('k: "a\\n\\"b\\""');
    });
  });

  describe('control structures', () => {
    it('takes if / else if / else by Go truth (empty string, 0, empty map are false)', () => {
      const t = '{{ if .a }}A{{ else if .b }}B{{ else }}C{{ end }}';
      expect(render(t, { a: 'x', b: true })).toBe('A');
      expect(render(t, { a: '', b: {} })).toBe('C');
      expect(render(t, { a: 0, b: [1] })).toBe('B');
    });

    it('moves dot with `with` and keeps $ at the root', () => {
      expect(render('{{ with .m }}{{ .k }}-{{ $.top }}{{ else }}none{{ end }}', { m: { k: 'v' }, top: 't' })).toBe('v-t');
      expect(render('{{ with .m }}x{{ else }}none{{ end }}', { m: {} })).toBe('none');
    });

    it('ranges over lists in order and over maps in key order', () => {
      expect(render('{{ range $i, $v := .l }}{{ $i }}={{ $v }};{{ end }}', { l: ['a', 'b'] })).toBe('0=a;1=b;');
      expect(render('{{ range $k, $v := .m }}{{ $k }}={{ $v }};{{ end }}', { m: { z: 1, a: 2 } })).toBe('a=2;z=1;');
      expect(render('{{ range .l }}x{{ else }}empty{{ end }}', { l: [] })).toBe('empty');
    });

    it('scopes := to its block and lets = reach a variable declared outside', () => {
      expect(render('{{ $s := "" }}{{ range .l }}{{ $s }}{{ . }}{{ $s = "," }}{{ end }}', { l: ['a', 'b', 'c'] })).toBe('a,b,c');
      expect(() => render('{{ if true }}{{ $x := 1 }}{{ end }}{{ $x }}')).toThrow(/undefined variable \$x/);
    });
  });

  describe('functions', () => {
    it('includes defines with a dict as data and indents the result', () => {
      const helpers = '{{- define "labels" -}}\nname: {{ .name }}\nenv: {{ .ctx.env }}\n{{- end -}}';
      expect(render('labels:\n  {{- include "labels" (dict "name" "gw" "ctx" .) | nindent 2 }}', { env: 'prod' }, helpers))
        .toBe('labels:\n  name: gw\n  env: prod');
    });

    it('renders toYaml with sorted keys and no final newline, {} for an empty map', () => {
      expect(render('{{ toYaml .m }}', { m: { b: 1, a: { d: 'x', c: [1, 2] } } })).toBe('a:\n  c:\n    - 1\n    - 2\n  d: x\nb: 1');
      expect(render('{{ toYaml .m }}', { m: {} })).toBe('{}');
    });

    it('implements default, required, and/or/not, eq, join, trunc, trimSuffix, contains, printf and toJson as sprig does', () => {
      expect(render('{{ .a | default "d" }} {{ .b | default "d" }}', { a: '', b: 'set' })).toBe('d set');
      expect(() => render('{{ required "give x" .x }}', { x: '' })).toThrow('give x');
      expect(render('{{ and .a .b }}|{{ or .a .b }}|{{ not .a }}', { a: '', b: 'y' })).toBe('|y|true');
      expect(render('{{ eq .t "hostPath" }} {{ eq .t "emptyDir" "hostPath" }}', { t: 'hostPath' })).toBe('true true');
      expect(() => render('{{ eq .n "1" }}', { n: 1 })).toThrow(/incompatible types/);
      expect(render('{{ join "," .l }}', { l: ['a', 'b'] })).toBe('a,b');
      expect(render('{{ "abcdef-" | trunc 4 }} {{ "ab-" | trimSuffix "-" }} {{ contains "mc" "pimcp" }}')).toBe('abcd ab true');
      expect(render('{{ printf "%s:%s" "img" "1.0" }} {{ toJson .m }}', { m: { b: 1, a: 'x' } })).toBe('img:1.0 {"a":"x","b":1}');
    });
  });
});
