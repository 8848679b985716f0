{{/*
Shared names and labels. The templates of this chart keep to the subset of the Go template language that
deploy/test/support/go-template-renderer.ts implements (deploy/README.md lists it), so the chart test can
render them without a Helm binary.
*/}}

{{- define "pimcp.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The release-wide prefix of every resource name; kept to 40 characters so "<fullname>-context-sync-xxxxx" stays a DNS label. */}}
{{- define "pimcp.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- else if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "pimcp.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Selector labels of one component: include "pimcp.selectorLabels" (dict "context" $ "component" "gateway") */}}
{{- define "pimcp.selectorLabels" -}}
app.kubernetes.io/name: {{ include "pimcp.name" .context }}
app.kubernetes.io/instance: {{ .context.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Every label of one component's resources. */}}
{{- define "pimcp.labels" -}}
helm.sh/chart: {{ include "pimcp.chart" .context }}
{{ include "pimcp.selectorLabels" . }}
app.kubernetes.io/version: {{ .context.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .context.Release.Service }}
app.kubernetes.io/part-of: pimcp
{{- end -}}

{{/* A PiMCP image reference: include "pimcp.image" (dict "context" $ "image" .Values.gateway.image) */}}
{{- define "pimcp.image" -}}
{{- $tag := default .context.Chart.AppVersion .context.Values.image.tag -}}
{{- printf "%s:%s" .image.repository (default $tag .image.tag) -}}
{{- end -}}

{{- define "pimcp.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "pimcp.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* PIMCP_ETCD_HOSTS: the bundled member's Service or the external endpoints. */}}
{{- define "pimcp.etcdHosts" -}}
{{- if .Values.etcd.bundled -}}
{{- printf "http://%s-etcd:2379" (include "pimcp.fullname" .) -}}
{{- else -}}
{{- required "etcd.endpoints is required when etcd.bundled is false" (join "," .Values.etcd.endpoints) -}}
{{- end -}}
{{- end -}}

{{/* The Secret holding the Redis URL (key url) and, for the bundled Redis, its password (key password). */}}
{{- define "pimcp.redisSecretName" -}}
{{- default (printf "%s-redis" (include "pimcp.fullname" .)) .Values.redis.existingSecret -}}
{{- end -}}

{{/* The Secret holding the gateway's JWT public key (key jwt-public-key.pem). */}}
{{- define "pimcp.authSecretName" -}}
{{- default (printf "%s-auth" (include "pimcp.fullname" .)) .Values.auth.existingSecret -}}
{{- end -}}

{{- define "pimcp.gateway.publicUrl" -}}
{{- if .Values.gateway.publicUrl -}}
{{- .Values.gateway.publicUrl -}}
{{- else if and .Values.gateway.ingress.enabled .Values.gateway.ingress.host -}}
{{- printf "https://%s%s" .Values.gateway.ingress.host .Values.gateway.path -}}
{{- else -}}
{{- printf "http://%s-gateway.%s.svc.%s:%d%s" (include "pimcp.fullname" .) .Release.Namespace .Values.clusterDomain (int64 .Values.gateway.service.port) .Values.gateway.path -}}
{{- end -}}
{{- end -}}

{{/* The ingress's TLS Secret: the one cert-manager issues, or one named in values. */}}
{{- define "pimcp.gateway.tlsSecretName" -}}
{{- if .Values.certManager.enabled -}}
{{- printf "%s-gateway-tls" (include "pimcp.fullname" .) -}}
{{- else -}}
{{- .Values.gateway.ingress.tlsSecretName -}}
{{- end -}}
{{- end -}}

{{/* PIMCP_GATEWAY_ALLOWED_HOSTS: the Service's names, loopback (port-forward), the ingress host and extras. */}}
{{- define "pimcp.gateway.allowedHosts" -}}
{{- $svc := printf "%s-gateway" (include "pimcp.fullname" .) -}}
{{ $svc }},{{ $svc }}.{{ .Release.Namespace }},{{ $svc }}.{{ .Release.Namespace }}.svc,{{ $svc }}.{{ .Release.Namespace }}.svc.{{ .Values.clusterDomain }},localhost,127.0.0.1
{{- if .Values.gateway.ingress.enabled }},{{ .Values.gateway.ingress.host }}{{ end }}
{{- range .Values.gateway.allowedHosts }},{{ . }}{{ end }}
{{- end -}}

{{/* PIMCP_NODE_LABELS: key=value pairs joined by commas, in key order. */}}
{{- define "pimcp.edgeNode.labels" -}}
{{- $separator := "" -}}
{{- range $key, $value := .Values.edgeNode.labels -}}
{{ $separator }}{{ $key }}={{ $value }}
{{- $separator = "," -}}
{{- end -}}
{{- end -}}

{{- define "pimcp.certManager.issuerRef" -}}
name: {{ required "certManager.issuerRef.name is required when certManager.enabled" .Values.certManager.issuerRef.name }}
kind: {{ .Values.certManager.issuerRef.kind }}
group: {{ .Values.certManager.issuerRef.group }}
{{- end -}}

{{/* Pod-level settings shared by the PiMCP workloads. */}}
{{- define "pimcp.podSpecCommon" -}}
serviceAccountName: {{ include "pimcp.serviceAccountName" . }}
automountServiceAccountToken: false
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}
