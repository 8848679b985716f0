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
{{- printf "%s://%s-gateway.%s.svc.%s:%d%s" (eq (include "pimcp.gateway.listenerTls" .) "true" | ternary "https" "http") (include "pimcp.fullname" .) .Release.Namespace .Values.clusterDomain (int64 .Values.gateway.service.port) .Values.gateway.path -}}
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

{{/* HTTPS on the gateway's own port: tls.enabled with tls.listener.enabled. */}}
{{- define "pimcp.gateway.listenerTls" -}}
{{- if and .Values.tls.enabled .Values.tls.listener.enabled -}}true{{- end -}}
{{- end -}}

{{/* The Secret with a service's certificate: include "pimcp.tls.serviceSecret" (dict "context" $ "service" "contextSync") */}}
{{- define "pimcp.tls.serviceSecret" -}}
{{- $given := index .context.Values.tls.existingSecrets .service -}}
{{- if $given -}}
{{- $given -}}
{{- else if .context.Values.certManager.enabled -}}
{{- printf "%s-internal-tls" (include "pimcp.fullname" .context) -}}
{{- else -}}
{{- required (printf "tls.existingSecrets.%s is required when tls.enabled without certManager.enabled" .service) "" -}}
{{- end -}}
{{- end -}}

{{/* Refuses TLS combinations the chart cannot wire (rendered once, from the edge-node and etcd templates' callers). */}}
{{- define "pimcp.tls.validate" -}}
{{- if and .Values.etcd.bundled (or .Values.etcd.tls.existingSecret .Values.etcd.auth.existingSecret) -}}
{{- fail "etcd.tls and etcd.auth apply to an external etcd: set etcd.bundled=false and https:// etcd.endpoints" -}}
{{- end -}}
{{- if and .Values.tls.enabled .Values.edgeNode.enabled (ne .Values.edgeNode.nodeIdFrom "metadata.name") -}}
{{- fail "tls.enabled: each edge node's certificate names its pod (cert-manager csi-driver knows no Kubernetes node name), so set edgeNode.nodeIdFrom=metadata.name" -}}
{{- end -}}
{{- end -}}

{{/* File settings of the TLS material a component mounts (ConfigMap data): component is gateway, registry, context-sync or edge-node. */}}
{{- define "pimcp.tls.configData" -}}
{{- if .context.Values.tls.enabled }}
PIMCP_TLS_CA_FILE: /etc/pimcp/tls/ca.crt
PIMCP_TLS_CERT_FILE: /etc/pimcp/tls/tls.crt
PIMCP_TLS_KEY_FILE: /etc/pimcp/tls/tls.key
{{- end }}
{{- if and (eq .component "gateway") (include "pimcp.gateway.listenerTls" .context) }}
PIMCP_GATEWAY_TLS_CERT_FILE: /etc/pimcp/listener-tls/tls.crt
PIMCP_GATEWAY_TLS_KEY_FILE: /etc/pimcp/listener-tls/tls.key
{{- end }}
{{- if and (ne .component "edge-node") .context.Values.etcd.tls.existingSecret }}
PIMCP_ETCD_TLS_CA_FILE: /etc/pimcp/etcd-tls/ca.crt
{{- if .context.Values.etcd.tls.clientCertificate }}
PIMCP_ETCD_TLS_CERT_FILE: /etc/pimcp/etcd-tls/tls.crt
PIMCP_ETCD_TLS_KEY_FILE: /etc/pimcp/etcd-tls/tls.key
{{- end }}
{{- end }}
{{- if and (ne .component "registry") .context.Values.redis.tls.existingSecret }}
PIMCP_REDIS_TLS_CA_FILE: /etc/pimcp/redis-tls/ca.crt
{{- if .context.Values.redis.tls.clientCertificate }}
PIMCP_REDIS_TLS_CERT_FILE: /etc/pimcp/redis-tls/tls.crt
PIMCP_REDIS_TLS_KEY_FILE: /etc/pimcp/redis-tls/tls.key
{{- end }}
{{- end }}
{{- end -}}

{{/* etcd user and password of a service from etcd.auth.existingSecret (env entries). */}}
{{- define "pimcp.etcdAuthEnv" -}}
{{- if .context.Values.etcd.auth.existingSecret }}
- name: PIMCP_ETCD_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ .context.Values.etcd.auth.existingSecret }}
      key: {{ .component }}-username
- name: PIMCP_ETCD_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .context.Values.etcd.auth.existingSecret }}
      key: {{ .component }}-password
{{- end }}
{{- end -}}

{{/* Mounts of the TLS Secrets a component reads (see pimcp.tls.configData for the files). */}}
{{- define "pimcp.tls.volumeMounts" -}}
{{- if .context.Values.tls.enabled }}
- name: tls
  mountPath: /etc/pimcp/tls
  readOnly: true
{{- end }}
{{- if and (eq .component "gateway") (include "pimcp.gateway.listenerTls" .context) }}
- name: listener-tls
  mountPath: /etc/pimcp/listener-tls
  readOnly: true
{{- end }}
{{- if and (ne .component "edge-node") .context.Values.etcd.tls.existingSecret }}
- name: etcd-tls
  mountPath: /etc/pimcp/etcd-tls
  readOnly: true
{{- end }}
{{- if and (ne .component "registry") .context.Values.redis.tls.existingSecret }}
- name: redis-tls
  mountPath: /etc/pimcp/redis-tls
  readOnly: true
{{- end }}
{{- end -}}

{{/* Volumes of the TLS Secrets of a service (gateway, registry, context-sync; the edge node's own certificate is a csi volume). */}}
{{- define "pimcp.tls.volumes" -}}
{{- if and .context.Values.tls.enabled (ne .component "edge-node") }}
- name: tls
  secret:
    secretName: {{ include "pimcp.tls.serviceSecret" (dict "context" .context "service" (eq .component "context-sync" | ternary "contextSync" .component)) }}
{{- end }}
{{- if and (eq .component "gateway") (include "pimcp.gateway.listenerTls" .context) }}
- name: listener-tls
  secret:
    secretName: {{ default (include "pimcp.tls.serviceSecret" (dict "context" .context "service" "gateway")) .context.Values.tls.listener.existingSecret }}
{{- end }}
{{- if and (ne .component "edge-node") .context.Values.etcd.tls.existingSecret }}
- name: etcd-tls
  secret:
    secretName: {{ .context.Values.etcd.tls.existingSecret }}
{{- end }}
{{- if and (ne .component "registry") .context.Values.redis.tls.existingSecret }}
- name: redis-tls
  secret:
    secretName: {{ .context.Values.redis.tls.existingSecret }}
{{- end }}
{{- end -}}

{{/* prometheus.io/* pod annotations: include "pimcp.prometheusAnnotations" (dict "port" 8080 "https" true) */}}
{{- define "pimcp.prometheusAnnotations" -}}
prometheus.io/scrape: "true"
prometheus.io/port: {{ .port | int64 | quote }}
prometheus.io/path: /metrics
prometheus.io/scheme: {{ .https | ternary "https" "http" }}
{{- end -}}
