using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Ainur.Deployment.Tests;

/// <summary>
/// The Dockerfiles, checked without a container engine (these machines have none, so the images are never built
/// here): multi-stage, pinned bases, a non-root user the manifests agree with, every project the build needs copied
/// in, and the entry point the project builds.
/// </summary>
public sealed partial class DockerfileTests
{
    /// <summary>The projects with an image; each one's Dockerfile is in its folder and its assembly is Ainur.&lt;project&gt;.</summary>
    public static TheoryData<string> Images() => ["Silo", "Gateway"];

    [Theory]
    [MemberData(nameof(Images))]
    public void Dockerfile_Stages_AreMultiStageFromPinnedImages(string project)
    {
        var froms = Instructions(project, "FROM").Select(f => f.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0]).ToList();

        Assert.True(froms.Count >= 2, "a build stage and a runtime stage");
        Assert.All(froms, image => Assert.True(ManifestChecks.IsPinned(image), $"{image} is not pinned"));
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:", froms[^1], StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Dockerfile_Runtime_RunsAsTheNonRootUserThePodsDeclare(string project)
    {
        var user = Assert.Single(Instructions(project, "USER"));
        var manifests = Manifests.Render("k8s/overlays/production");
        var workload = manifests.Workloads.Single(w => w.Name == $"ainur-{project.ToLowerInvariant()}");

        Assert.NotEqual("0", user);
        Assert.Equal(long.Parse(user, System.Globalization.CultureInfo.InvariantCulture), workload.Template.Spec.SecurityContext.RunAsUser);
        Assert.True(workload.Template.Spec.SecurityContext.RunAsNonRoot);
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Dockerfile_Build_CopiesEveryProjectItReferencesAndStartsItsAssembly(string project)
    {
        var assembly = $"Ainur.{project}";
        var copied = Instructions(project, "COPY").Where(c => !c.StartsWith("--from", StringComparison.Ordinal))
            .SelectMany(c => c.Split(' ', StringSplitOptions.RemoveEmptyEntries).SkipLast(1)).Select(p => p.TrimEnd('/')).ToHashSet();

        Assert.All(ProjectClosure($"{project}/{assembly}.csproj"), folder => Assert.Contains(folder, copied));
        Assert.Contains("Directory.Packages.props", copied);
        Assert.Contains($"RUN dotnet publish {project}/{assembly}.csproj -c Release -o /app -p:UseAppHost=false", Lines(project));
        Assert.Equal($"[\"dotnet\", \"{assembly}.dll\"]", Assert.Single(Instructions(project, "ENTRYPOINT")));
    }

    [Fact]
    public void Dockerignore_KeepsBuildOutputAndLocalDataOut()
    {
        var ignored = File.ReadAllLines(Tool.InRepository(".dockerignore"));

        Assert.Contains("**/bin/", ignored);
        Assert.Contains("**/obj/", ignored);
        Assert.Contains(".data/", ignored);
    }

    /// <summary>The folders of a project and of every project it references, directly or not.</summary>
    private static HashSet<string> ProjectClosure(string csproj)
    {
        var folders = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([csproj]);
        while (pending.TryPop(out var path))
        {
            if (!folders.Add(Path.GetDirectoryName(path)!.Replace('\\', '/')))
            {
                continue;
            }

            foreach (var reference in XDocument.Load(Tool.InRepository(path)).Descendants("ProjectReference"))
            {
                var full = Path.GetFullPath(Path.Combine(Tool.InRepository(Path.GetDirectoryName(path)!), reference.Attribute("Include")!.Value.Replace('\\', '/')));
                pending.Push(Path.GetRelativePath(Tool.Root, full).Replace('\\', '/'));
            }
        }

        return folders;
    }

    private static string[] Lines(string project) => File.ReadAllLines(Tool.InRepository($"{project}/Dockerfile"));

    private static List<string> Instructions(string project, string instruction) =>
        [.. Lines(project).Select(l => Instruction().Match(l)).Where(m => m.Success && m.Groups[1].Value == instruction).Select(m => m.Groups[2].Value.Trim())];

    [GeneratedRegex(@"^([A-Z]+)\s+(.*)$")]
    private static partial Regex Instruction();
}
