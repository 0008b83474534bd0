using System.Collections.Concurrent;
using k8s;
using k8s.Models;

namespace Ainur.Deployment.Tests;

/// <summary>A workload's pod template, under the kind and name of the object that holds it.</summary>
internal sealed record Workload(string Kind, string Name, V1PodTemplateSpec Template)
{
    /// <summary>Containers that run for the pod's life (not init containers).</summary>
    public IEnumerable<V1Container> Containers => Template.Spec.Containers;

    /// <summary>Init and regular containers.</summary>
    public IEnumerable<V1Container> AllContainers => (Template.Spec.InitContainers ?? []).Concat(Template.Spec.Containers);

    /// <summary>Whether it runs until stopped (Deployment, StatefulSet, DaemonSet) rather than to completion.</summary>
    public bool IsLongRunning => Kind is "Deployment" or "StatefulSet" or "DaemonSet";

    /// <summary>"Kind/name" for messages.</summary>
    public override string ToString() => $"{Kind}/{Name}";
}

/// <summary>Kubernetes objects as KubernetesClient's strict, typed loader reads them: a wrong type or an unknown field fails the load.</summary>
internal sealed class Manifests(IReadOnlyList<object> objects)
{
    /// <summary>Every object.</summary>
    public IReadOnlyList<object> Objects { get; } = objects;

    // One rendering per folder and test run: the tests only read them.
    private static readonly ConcurrentDictionary<string, Lazy<Manifests>> Renderings = new(StringComparer.Ordinal);

    /// <summary>Renders a kustomization folder of the repository (e.g. <c>k8s/overlays/dev</c>) and loads the result.</summary>
    public static Manifests Render(string folder) => Renderings.GetOrAdd(folder, f => new(() => Parse(Tool.Kustomize(f)))).Value;

    /// <summary>Loads YAML documents.</summary>
    public static Manifests Parse(string yaml) => new(KubernetesYaml.LoadAllFromString(yaml, typeMap: null, strict: true));

    /// <summary>The objects of one type.</summary>
    public IEnumerable<T> OfType<T>() => Objects.OfType<T>();

    /// <summary>Every pod template, with what holds it.</summary>
    public IEnumerable<Workload> Workloads =>
        OfType<V1Deployment>().Select(d => new Workload("Deployment", d.Metadata.Name, d.Spec.Template))
            .Concat(OfType<V1StatefulSet>().Select(s => new Workload("StatefulSet", s.Metadata.Name, s.Spec.Template)))
            .Concat(OfType<V1DaemonSet>().Select(s => new Workload("DaemonSet", s.Metadata.Name, s.Spec.Template)))
            .Concat(OfType<V1Job>().Select(j => new Workload("Job", j.Metadata.Name, j.Spec.Template)))
            .Concat(OfType<V1CronJob>().Select(c => new Workload("CronJob", c.Metadata.Name, c.Spec.JobTemplate.Spec.Template)));

    /// <summary>The settings a container gets from literal env values and from the ConfigMaps it takes whole (envFrom).</summary>
    public Dictionary<string, string> Settings(V1Container container)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in container.EnvFrom ?? [])
        {
            if (source.ConfigMapRef is { } reference && ConfigMap(reference.Name) is { Data: { } data })
            {
                foreach (var (key, value) in data)
                {
                    settings[key] = value;
                }
            }
        }

        foreach (var variable in container.Env ?? [])
        {
            if (variable.Value is { } value)
            {
                settings[variable.Name] = value;
            }
        }

        return settings;
    }

    /// <summary>The ConfigMap of that name, if rendered.</summary>
    public V1ConfigMap? ConfigMap(string name) => OfType<V1ConfigMap>().FirstOrDefault(c => c.Metadata.Name == name);
}
