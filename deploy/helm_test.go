package deploy

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"helm.sh/helm/v4/pkg/chart/common"
	"helm.sh/helm/v4/pkg/chart/common/util"
	"helm.sh/helm/v4/pkg/chart/v2/lint"
	"helm.sh/helm/v4/pkg/chart/v2/lint/support"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	"helm.sh/helm/v4/pkg/engine"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/hubjwt/hubjwt/config"
)

const (
	chartDir    = "helm/hubjwt"
	releaseName = "tokens"
	namespace   = "jhub"
	fullname    = "tokens-hubjwt"
	testIssuer  = "https://hubjwt.example.org"
)

// rendered is one chart render, every object decoded into its Kubernetes type.
type rendered struct {
	notes           string
	deployment      *appsv1.Deployment
	service         *corev1.Service
	configMap       *corev1.ConfigMap
	secret          *corev1.Secret
	pvc             *corev1.PersistentVolumeClaim
	pdb             *policyv1.PodDisruptionBudget
	hpa             *autoscalingv2.HorizontalPodAutoscaler
	ingress         *networkingv1.Ingress
	serviceMonitor  *unstructured.Unstructured
	kinds           []string
	renderedSecrets int
}

// render renders the chart with values over values.yaml, as `helm template`
// does, and fails the test on any error.
func render(t *testing.T, values map[string]any) rendered {
	t.Helper()
	out, err := renderRaw(values)
	if err != nil {
		t.Fatalf("render chart: %v", err)
	}
	return decode(t, out)
}

func renderRaw(values map[string]any) (map[string]string, error) {
	chrt, err := loader.Load(chartDir)
	if err != nil {
		return nil, err
	}
	vals, err := util.ToRenderValues(chrt, values, common.ReleaseOptions{
		Name: releaseName, Namespace: namespace, Revision: 1, IsInstall: true,
	}, common.DefaultCapabilities)
	if err != nil {
		return nil, err
	}
	return engine.Engine{Strict: true}.RenderWithContext(context.Background(), chrt, vals)
}

// decode decodes every rendered document strictly: a field the Kubernetes
// type does not have fails the test.
func decode(t *testing.T, out map[string]string) rendered {
	t.Helper()
	var r rendered
	for _, name := range slices.Sorted(maps.Keys(out)) {
		text := out[name]
		if strings.HasSuffix(name, "NOTES.txt") {
			r.notes = text
			continue
		}
		for _, doc := range strings.Split(text, "\n---") {
			if strings.TrimSpace(stripComments(doc)) == "" {
				continue
			}
			r.decodeDocument(t, name, []byte(doc))
		}
	}
	return r
}

func stripComments(doc string) string {
	var b strings.Builder
	for _, line := range strings.Split(doc, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "#") {
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}

func (r *rendered) decodeDocument(t *testing.T, name string, doc []byte) {
	t.Helper()
	var head struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
	}
	if err := yaml.Unmarshal(doc, &head); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	key := head.APIVersion + " " + head.Kind
	r.kinds = append(r.kinds, head.Kind)
	var target any
	switch key {
	case "apps/v1 Deployment":
		r.deployment = &appsv1.Deployment{}
		target = r.deployment
	case "v1 Service":
		r.service = &corev1.Service{}
		target = r.service
	case "v1 ConfigMap":
		r.configMap = &corev1.ConfigMap{}
		target = r.configMap
	case "v1 Secret":
		r.secret = &corev1.Secret{}
		r.renderedSecrets++
		target = r.secret
	case "v1 PersistentVolumeClaim":
		r.pvc = &corev1.PersistentVolumeClaim{}
		target = r.pvc
	case "policy/v1 PodDisruptionBudget":
		r.pdb = &policyv1.PodDisruptionBudget{}
		target = r.pdb
	case "autoscaling/v2 HorizontalPodAutoscaler":
		r.hpa = &autoscalingv2.HorizontalPodAutoscaler{}
		target = r.hpa
	case "networking.k8s.io/v1 Ingress":
		r.ingress = &networkingv1.Ingress{}
		target = r.ingress
	case "monitoring.coreos.com/v1 ServiceMonitor":
		r.serviceMonitor = &unstructured.Unstructured{}
		var obj map[string]any
		if err := yaml.UnmarshalStrict(doc, &obj); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		r.serviceMonitor.Object = obj
		return
	default:
		t.Fatalf("%s: got %s, want one of the kinds the chart renders", name, key)
	}
	if err := yaml.UnmarshalStrict(doc, target); err != nil {
		t.Fatalf("%s: decode as %s: %v", name, key, err)
	}
}

// baseValues are the values every render needs: the required issuer.
func baseValues(extra map[string]any) map[string]any {
	v := map[string]any{"issuer": testIssuer}
	maps.Copy(v, extra)
	return v
}

func TestChartLints(t *testing.T) {
	linter := lint.RunAll(chartDir, baseValues(nil), namespace)
	for _, m := range linter.Messages {
		if m.Severity >= support.WarningSev {
			t.Errorf("helm lint: %v", m)
		}
	}
}

func TestChartDefaultObjects(t *testing.T) {
	r := render(t, baseValues(nil))
	want := []string{"ConfigMap", "Deployment", "PersistentVolumeClaim", "PodDisruptionBudget",
		"Secret", "Service"}
	got := slices.Sorted(slices.Values(r.kinds))
	if !slices.Equal(got, want) {
		t.Errorf("kinds: got %v, want %v", got, want)
	}
	if !strings.Contains(r.notes, testIssuer+"/.well-known/jwks.json") {
		t.Errorf("NOTES.txt: got no JWK Set URL under %s:\n%s", testIssuer, r.notes)
	}
	if r.deployment.Name != fullname {
		t.Errorf("deployment name: got %q, want %q", r.deployment.Name, fullname)
	}
}

// container returns the hubjwt container of the Deployment.
func container(t *testing.T, d *appsv1.Deployment) corev1.Container {
	t.Helper()
	for _, c := range d.Spec.Template.Spec.Containers {
		if c.Name == "hubjwt" {
			return c
		}
	}
	t.Fatalf("deployment: got no container named hubjwt")
	return corev1.Container{}
}

func TestChartProbes(t *testing.T) {
	c := container(t, render(t, baseValues(nil)).deployment)
	cases := []struct {
		name  string
		probe *corev1.Probe
		path  string
	}{
		{"startup", c.StartupProbe, "/healthz"},
		{"liveness", c.LivenessProbe, "/healthz"},
		{"readiness", c.ReadinessProbe, "/readyz"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.probe == nil || tc.probe.HTTPGet == nil {
				t.Fatalf("got no httpGet probe, want GET %s", tc.path)
			}
			if got := tc.probe.HTTPGet.Path; got != tc.path {
				t.Errorf("path: got %q, want %q", got, tc.path)
			}
			if got := tc.probe.HTTPGet.Port.String(); got != "http" {
				t.Errorf("port: got %q, want the named port http", got)
			}
		})
	}
	if len(c.Ports) != 1 || c.Ports[0].Name != "http" || c.Ports[0].ContainerPort != 8090 {
		t.Errorf("ports: got %+v, want one port http on 8090", c.Ports)
	}
}

func TestChartSecurityContext(t *testing.T) {
	d := render(t, baseValues(nil)).deployment
	c := container(t, d)
	sc := c.SecurityContext
	if sc == nil {
		t.Fatal("container securityContext: got none")
	}
	checks := []struct {
		name string
		got  *bool
		want bool
	}{
		{"readOnlyRootFilesystem", sc.ReadOnlyRootFilesystem, true},
		{"runAsNonRoot", sc.RunAsNonRoot, true},
		{"allowPrivilegeEscalation", sc.AllowPrivilegeEscalation, false},
		{"pod runAsNonRoot", d.Spec.Template.Spec.SecurityContext.RunAsNonRoot, true},
		{"automountServiceAccountToken", d.Spec.Template.Spec.AutomountServiceAccountToken, false},
	}
	for _, ch := range checks {
		if ch.got == nil || *ch.got != ch.want {
			t.Errorf("%s: got %v, want %v", ch.name, deref(ch.got), ch.want)
		}
	}
	if sc.Capabilities == nil || !slices.Equal(sc.Capabilities.Drop, []corev1.Capability{"ALL"}) {
		t.Errorf("capabilities: got %+v, want drop ALL", sc.Capabilities)
	}
	if uid := d.Spec.Template.Spec.SecurityContext.RunAsUser; uid == nil || *uid == 0 {
		t.Errorf("runAsUser: got %v, want a non-zero uid", uid)
	}
	mounts := map[string]string{}
	for _, m := range c.VolumeMounts {
		mounts[m.MountPath] = m.Name
	}
	for _, path := range []string{"/var/lib/hubjwt", "/tmp", "/etc/hubjwt/secrets"} {
		if mounts[path] == "" {
			t.Errorf("volume mount %s: got none, want one (the root file system is read-only)", path)
		}
	}
}

func deref(b *bool) any {
	if b == nil {
		return "unset"
	}
	return *b
}

func TestChartResources(t *testing.T) {
	c := container(t, render(t, baseValues(nil)).deployment)
	for _, name := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		if q, ok := c.Resources.Requests[name]; !ok || q.IsZero() {
			t.Errorf("requests.%s: got %v, want a non-zero request", name, q.String())
		}
	}
	if q, ok := c.Resources.Limits[corev1.ResourceMemory]; !ok || q.IsZero() {
		t.Errorf("limits.memory: got %v, want a limit", q.String())
	}
}

// envSecret returns the secretKeyRef of the container's environment variable name.
func envSecret(c corev1.Container, name string) *corev1.SecretKeySelector {
	for _, e := range c.Env {
		if e.Name == name && e.ValueFrom != nil {
			return e.ValueFrom.SecretKeyRef
		}
	}
	return nil
}

// secretVolume returns the secret volume mounted at /etc/hubjwt/secrets.
func secretVolume(t *testing.T, d *appsv1.Deployment) *corev1.SecretVolumeSource {
	t.Helper()
	for _, v := range d.Spec.Template.Spec.Volumes {
		if v.Name == "secrets" && v.Secret != nil {
			return v.Secret
		}
	}
	t.Fatal("deployment: got no secret volume named secrets")
	return nil
}

func TestChartSecretReferences(t *testing.T) {
	cases := []struct {
		name          string
		values        map[string]any
		adminSecret   string
		keySecret     string
		secretKeys    []string // keys of the chart's own Secret; nil: no Secret
		adminKey      string
		encryptionKey string
	}{
		{"generated", nil, fullname, fullname,
			[]string{"admin-token", "encryption-key"}, "admin-token", "encryption-key"},
		{"existing admin token", map[string]any{
			"adminToken": map[string]any{"existingSecret": "ops-admin", "key": "token"}},
			"ops-admin", fullname, []string{"encryption-key"}, "token", "encryption-key"},
		{"both existing", map[string]any{
			"adminToken":    map[string]any{"existingSecret": "ops-admin"},
			"encryptionKey": map[string]any{"existingSecret": "ops-kek", "key": "kek"}},
			"ops-admin", "ops-kek", nil, "admin-token", "kek"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := render(t, baseValues(tc.values))
			c := container(t, r.deployment)
			admin := envSecret(c, "HUBJWT_ADMIN_TOKEN")
			if admin == nil {
				t.Fatal("HUBJWT_ADMIN_TOKEN: got no secretKeyRef")
			}
			if admin.Name != tc.adminSecret || admin.Key != tc.adminKey {
				t.Errorf("admin token ref: got %s/%s, want %s/%s", admin.Name, admin.Key,
					tc.adminSecret, tc.adminKey)
			}
			vol := secretVolume(t, r.deployment)
			if vol.SecretName != tc.keySecret {
				t.Errorf("encryption key secret: got %q, want %q", vol.SecretName, tc.keySecret)
			}
			if len(vol.Items) != 1 || vol.Items[0].Key != tc.encryptionKey ||
				vol.Items[0].Path != "encryption-key" {
				t.Errorf("encryption key item: got %+v, want key %s at encryption-key",
					vol.Items, tc.encryptionKey)
			}
			if tc.secretKeys == nil {
				if r.secret != nil {
					t.Errorf("secret: got %s, want none when both secrets exist", r.secret.Name)
				}
				return
			}
			if r.secret == nil {
				t.Fatal("secret: got none, want the chart's Secret")
			}
			got := slices.Sorted(maps.Keys(r.secret.Data))
			if !slices.Equal(got, tc.secretKeys) {
				t.Errorf("secret keys: got %v, want %v", got, tc.secretKeys)
			}
			for k, v := range r.secret.Data {
				if len(v) < 32 {
					t.Errorf("secret %s: got %d bytes, want a generated value of 32 or more", k, len(v))
				}
			}
		})
	}
}

func TestChartGivenSecretValues(t *testing.T) {
	r := render(t, baseValues(map[string]any{
		"adminToken":    map[string]any{"value": "given-admin-token"},
		"encryptionKey": map[string]any{"value": "given-encryption-key"},
	}))
	want := map[string]string{"admin-token": "given-admin-token",
		"encryption-key": "given-encryption-key"}
	for k, v := range want {
		if got := string(r.secret.Data[k]); got != v {
			t.Errorf("%s: got %q, want %q", k, got, v)
		}
	}
}

// loadRenderedConfig loads the ConfigMap's hubjwt.yaml with the Deployment's
// environment, the way the pod's `hubjwt serve --config` does. The secret
// files and values come from the rendered Secret or stand-ins.
func loadRenderedConfig(t *testing.T, r rendered) config.Config {
	t.Helper()
	text, ok := r.configMap.Data["hubjwt.yaml"]
	if !ok {
		t.Fatal("configmap: got no hubjwt.yaml")
	}
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "encryption-key")
	if err := os.WriteFile(keyFile, []byte("test-encryption-key\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// The pod reads the key from the Secret volume; here a temporary file does.
	text = strings.ReplaceAll(text, "/etc/hubjwt/secrets/encryption-key", keyFile)
	file := filepath.Join(dir, "hubjwt.yaml")
	if err := os.WriteFile(file, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{}
	for _, e := range container(t, r.deployment).Env {
		if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
			env = append(env, e.Name+"=secret-from-"+e.ValueFrom.SecretKeyRef.Name)
			continue
		}
		env = append(env, e.Name+"="+e.Value)
	}
	cfg, err := config.Load(config.Options{File: file, Environ: env})
	if err != nil {
		t.Fatalf("config.Load of the rendered ConfigMap:\n%s\nerror: %v", text, err)
	}
	return cfg
}

func TestChartConfigLoads(t *testing.T) {
	r := render(t, baseValues(map[string]any{
		"config": map[string]any{"token": map[string]any{"max_ttl": "30m"}},
	}))
	cfg := loadRenderedConfig(t, r)
	checks := []struct {
		name      string
		got, want any
	}{
		{"issuer", cfg.Issuer, testIssuer},
		{"listen", cfg.Listen, "0.0.0.0:8090"},
		{"data_dir", cfg.DataDir, "/var/lib/hubjwt"},
		{"jupyterhub.api_url", cfg.JupyterHub.APIURL, "http://hub:8081/hub/api"},
		{"jupyterhub.api_token", cfg.JupyterHub.APIToken, "secret-from-hub"},
		{"admin.token", cfg.Admin.Token, "secret-from-" + fullname},
		{"token.max_ttl", cfg.Token.MaxTTL.String(), "30m0s"},
		{"log.format", cfg.Log.Format, "json"},
		{"redis enabled", cfg.Redis.Enabled(), false},
		{"keys.encryption_key", cfg.Keys.EncryptionKey, "test-encryption-key"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestChartRedisValuesReachConfig(t *testing.T) {
	cases := []struct {
		name       string
		redis      map[string]any
		url        string
		addrs      []string
		masterName string
	}{
		{"single server", map[string]any{"url": "redis://redis-master:6379/0"},
			"redis://redis-master:6379/0", nil, ""},
		{"sentinel", map[string]any{"addrs": []any{"sentinel-0:26379", "sentinel-1:26379"},
			"masterName": "mymaster"}, "", []string{"sentinel-0:26379", "sentinel-1:26379"},
			"mymaster"},
		{"cluster", map[string]any{"addrs": []any{"redis-0:6379", "redis-1:6379", "redis-2:6379"}},
			"", []string{"redis-0:6379", "redis-1:6379", "redis-2:6379"}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			redis := maps.Clone(tc.redis)
			redis["passwordSecret"] = map[string]any{"name": "redis-auth", "key": "pw"}
			r := render(t, baseValues(map[string]any{"redis": redis, "replicaCount": 3}))
			cfg := loadRenderedConfig(t, r)
			if cfg.Redis.URL != tc.url {
				t.Errorf("redis.url: got %q, want %q", cfg.Redis.URL, tc.url)
			}
			if !slices.Equal(cfg.Redis.Addrs, tc.addrs) {
				t.Errorf("redis.addrs: got %v, want %v", cfg.Redis.Addrs, tc.addrs)
			}
			if cfg.Redis.MasterName != tc.masterName {
				t.Errorf("redis.master_name: got %q, want %q", cfg.Redis.MasterName, tc.masterName)
			}
			if cfg.Redis.Password != "secret-from-redis-auth" {
				t.Errorf("redis.password: got %q, want it from the redis-auth Secret",
					cfg.Redis.Password)
			}
			if r.pvc != nil {
				t.Errorf("pvc: got %s, want none when Redis holds the state", r.pvc.Name)
			}
			if got := r.deployment.Spec.Strategy.Type; got == appsv1.RecreateDeploymentStrategyType {
				t.Errorf("strategy: got %s, want rolling updates with Redis", got)
			}
			if got := *r.deployment.Spec.Replicas; got != 3 {
				t.Errorf("replicas: got %d, want 3", got)
			}
		})
	}
}

func TestChartEmbeddedStore(t *testing.T) {
	r := render(t, baseValues(nil))
	if got := r.deployment.Spec.Strategy.Type; got != appsv1.RecreateDeploymentStrategyType {
		t.Errorf("strategy: got %q, want Recreate, since one process opens the bbolt file", got)
	}
	var data *corev1.Volume
	for i, v := range r.deployment.Spec.Template.Spec.Volumes {
		if v.Name == "data" {
			data = &r.deployment.Spec.Template.Spec.Volumes[i]
		}
	}
	if data == nil || data.PersistentVolumeClaim == nil ||
		data.PersistentVolumeClaim.ClaimName != r.pvc.Name {
		t.Errorf("data volume: got %+v, want the chart's PersistentVolumeClaim", data)
	}
}

func TestChartOptionalObjects(t *testing.T) {
	redis := map[string]any{"url": "redis://redis:6379"}
	cases := []struct {
		name       string
		values     map[string]any
		hpa        bool
		monitor    bool
		pdb        bool
		replicaSet bool
	}{
		{"defaults", nil, false, false, true, true},
		{"autoscaling", map[string]any{"redis": redis,
			"autoscaling": map[string]any{"enabled": true, "minReplicas": 3, "maxReplicas": 9}},
			true, false, true, false},
		{"service monitor", map[string]any{"serviceMonitor": map[string]any{"enabled": true,
			"labels": map[string]any{"release": "prometheus"}}}, false, true, true, true},
		{"no disruption budget", map[string]any{
			"podDisruptionBudget": map[string]any{"enabled": false}}, false, false, false, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := render(t, baseValues(tc.values))
			if (r.hpa != nil) != tc.hpa {
				t.Errorf("HorizontalPodAutoscaler: got %v, want %v", r.hpa != nil, tc.hpa)
			}
			if (r.serviceMonitor != nil) != tc.monitor {
				t.Errorf("ServiceMonitor: got %v, want %v", r.serviceMonitor != nil, tc.monitor)
			}
			if (r.pdb != nil) != tc.pdb {
				t.Errorf("PodDisruptionBudget: got %v, want %v", r.pdb != nil, tc.pdb)
			}
			if (r.deployment.Spec.Replicas != nil) != tc.replicaSet {
				t.Errorf("deployment replicas set: got %v, want %v",
					r.deployment.Spec.Replicas != nil, tc.replicaSet)
			}
			if r.hpa != nil {
				checkHPA(t, r.hpa)
			}
			if r.serviceMonitor != nil {
				checkServiceMonitor(t, r)
			}
		})
	}
}

func checkHPA(t *testing.T, hpa *autoscalingv2.HorizontalPodAutoscaler) {
	t.Helper()
	if hpa.Spec.ScaleTargetRef.Kind != "Deployment" || hpa.Spec.ScaleTargetRef.Name != fullname {
		t.Errorf("scaleTargetRef: got %+v, want Deployment %s", hpa.Spec.ScaleTargetRef, fullname)
	}
	if hpa.Spec.MinReplicas == nil || *hpa.Spec.MinReplicas != 3 || hpa.Spec.MaxReplicas != 9 {
		t.Errorf("replicas: got min %v max %d, want 3 and 9", hpa.Spec.MinReplicas,
			hpa.Spec.MaxReplicas)
	}
}

func checkServiceMonitor(t *testing.T, r rendered) {
	t.Helper()
	sm := r.serviceMonitor
	if sm.GetName() != fullname {
		t.Errorf("name: got %q, want %q", sm.GetName(), fullname)
	}
	if sm.GetLabels()["release"] != "prometheus" {
		t.Errorf("labels: got %v, want release=prometheus from values", sm.GetLabels())
	}
	selector, _, err := unstructured.NestedStringMap(sm.Object, "spec", "selector", "matchLabels")
	if err != nil || !maps.Equal(selector, r.service.Spec.Selector) {
		t.Errorf("selector: got %v (%v), want the Service's %v", selector, err,
			r.service.Spec.Selector)
	}
	endpoints, _, err := unstructured.NestedSlice(sm.Object, "spec", "endpoints")
	if err != nil || len(endpoints) != 1 {
		t.Fatalf("endpoints: got %v (%v), want one", endpoints, err)
	}
	ep, _ := endpoints[0].(map[string]any)
	for k, want := range map[string]string{"port": "http", "path": "/metrics", "interval": "30s"} {
		if got, _ := ep[k].(string); got != want {
			t.Errorf("endpoint %s: got %q, want %q", k, got, want)
		}
	}
	if r.service.Spec.Ports[0].Name != "http" {
		t.Errorf("service port name: got %q, want http for the ServiceMonitor",
			r.service.Spec.Ports[0].Name)
	}
}

func TestChartIngress(t *testing.T) {
	r := render(t, baseValues(map[string]any{"ingress": map[string]any{"enabled": true,
		"host": "hubjwt.example.org", "tlsSecretName": "hubjwt-tls", "className": "nginx"}}))
	ing := r.ingress
	if ing == nil {
		t.Fatal("ingress: got none, want one with ingress.enabled")
	}
	if len(ing.Spec.Rules) != 1 || ing.Spec.Rules[0].Host != "hubjwt.example.org" {
		t.Fatalf("rules: got %+v, want one for hubjwt.example.org", ing.Spec.Rules)
	}
	paths := ing.Spec.Rules[0].HTTP.Paths
	if len(paths) != 1 || paths[0].Path != "/" {
		t.Fatalf("paths: got %+v, want the root, since hubjwt serves its routes there", paths)
	}
	backend := paths[0].Backend.Service
	if backend.Name != r.service.Name || backend.Port.Name != "http" {
		t.Errorf("backend: got %s:%s, want %s:http", backend.Name, backend.Port.Name,
			r.service.Name)
	}
	if len(ing.Spec.TLS) != 1 || ing.Spec.TLS[0].SecretName != "hubjwt-tls" {
		t.Errorf("tls: got %+v, want the hubjwt-tls Secret", ing.Spec.TLS)
	}
	if ing.Spec.IngressClassName == nil || *ing.Spec.IngressClassName != "nginx" {
		t.Errorf("ingressClassName: got %v, want nginx", ing.Spec.IngressClassName)
	}
	if render(t, baseValues(nil)).ingress != nil {
		t.Error("ingress: got one by default, want none")
	}
}

func TestChartSelectorsMatchPods(t *testing.T) {
	r := render(t, baseValues(nil))
	pod := r.deployment.Spec.Template.Labels
	selectors := map[string]map[string]string{
		"deployment": r.deployment.Spec.Selector.MatchLabels,
		"service":    r.service.Spec.Selector,
		"pdb":        r.pdb.Spec.Selector.MatchLabels,
	}
	for name, sel := range selectors {
		if len(sel) == 0 {
			t.Errorf("%s selector: got none", name)
		}
		for k, v := range sel {
			if pod[k] != v {
				t.Errorf("%s selector %s=%s: got pod label %q", name, k, v, pod[k])
			}
		}
	}
	if got := r.service.Spec.Ports[0].TargetPort.String(); got != "http" {
		t.Errorf("service targetPort: got %q, want the container port http", got)
	}
}

func TestChartRejectsBadValues(t *testing.T) {
	cases := []struct {
		name   string
		values map[string]any
		want   string
	}{
		{"no issuer", map[string]any{}, "issuer is empty"},
		{"replicas without redis", baseValues(map[string]any{"replicaCount": 2}),
			"more than one replica needs Redis"},
		{"autoscaling without redis", baseValues(map[string]any{
			"autoscaling": map[string]any{"enabled": true}}), "more than one replica needs Redis"},
		{"url and addrs", baseValues(map[string]any{"redis": map[string]any{
			"url": "redis://r:6379", "addrs": []any{"r:6379"}}}), "both set"},
		{"sentinel without addrs", baseValues(map[string]any{"redis": map[string]any{
			"url": "redis://r:6379", "masterName": "m"}}), "masterName needs redis.addrs"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := renderRaw(tc.values)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}
