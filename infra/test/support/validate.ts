import { ConfigMap, Secret, Service } from 'kubernetes-models/v1';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { type Manifest } from './kustomize';
import { declarationFile, unknownFields } from './strict-fields';

// Most models' constructors accept any object; the CRD models want their typed spec, so those
// manifests are cast: validate() runs the JSON schema either way, and that is the check.
type Validator = (manifest: Manifest) => void;

/** The model whose type declarations list the fields of each kind. */
const declarations: Record<string, string> = {
  'v1/ConfigMap': 'kubernetes-models/v1/ConfigMap',
  'v1/Secret': 'kubernetes-models/v1/Secret',
  'v1/Service': 'kubernetes-models/v1/Service',
  'apps/v1/Deployment': 'kubernetes-models/apps/v1/Deployment',
  'apps/v1/StatefulSet': 'kubernetes-models/apps/v1/StatefulSet',
  'batch/v1/Job': 'kubernetes-models/batch/v1/Job',
  'policy/v1/PodDisruptionBudget': 'kubernetes-models/policy/v1/PodDisruptionBudget',
  'networking.k8s.io/v1/NetworkPolicy': 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy',
  'keda.sh/v1alpha1/ScaledObject': '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject',
  'monitoring.coreos.com/v1/ServiceMonitor':
    '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor',
};

const validators: Record<string, Validator> = {
  'v1/ConfigMap': (m) => new ConfigMap(m).validate(),
  'v1/Secret': (m) => new Secret(m).validate(),
  'v1/Service': (m) => new Service(m).validate(),
  'apps/v1/Deployment': (m) => new Deployment(m).validate(),
  'apps/v1/StatefulSet': (m) => new StatefulSet(m).validate(),
  'batch/v1/Job': (m) => new Job(m).validate(),
  'policy/v1/PodDisruptionBudget': (m) => new PodDisruptionBudget(m).validate(),
  'networking.k8s.io/v1/NetworkPolicy': (m) => new NetworkPolicy(m).validate(),
  'keda.sh/v1alpha1/ScaledObject': (m) =>
    new ScaledObject(m as unknown as ConstructorParameters<typeof ScaledObject>[0]).validate(),
  'monitoring.coreos.com/v1/ServiceMonitor': (m) =>
    new ServiceMonitor(m as unknown as ConstructorParameters<typeof ServiceMonitor>[0]).validate(),
};

/** The kinds the deployment may contain; anything else is a mistake or needs a validator. */
export const KNOWN_KINDS = Object.keys(validators);

/**
 * Validates one manifest against its Kubernetes (or KEDA, or Prometheus Operator) schema, and
 * refuses fields the kind does not have (the schemas let those through). Throws naming the
 * object and the complaint; unknown kinds are refused.
 */
export function validateManifest(manifest: Manifest): void {
  const key = `${manifest.apiVersion}/${manifest.kind}`;
  const validator = validators[key];
  if (!validator) throw new Error(`${key} ${manifest.metadata.name}: no schema for this kind`);
  try {
    validator(manifest);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(`${key} ${manifest.metadata.name}: ${message}`);
  }
  const unknown = unknownFields(manifest, declarationFile(declarations[key] ?? ''));
  if (unknown.length > 0) {
    throw new Error(`${key} ${manifest.metadata.name}: unknown field(s) ${unknown.join(', ')}`);
  }
}
