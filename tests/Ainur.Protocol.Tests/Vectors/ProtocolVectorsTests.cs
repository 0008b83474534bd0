namespace Ainur.Protocol.Tests.Vectors;

/// <summary>
/// docs/vectors/*.json are generated from the reference code with fixed keys and must match it byte for byte, so
/// another implementation can test against them and the files cannot drift. After an intended protocol change,
/// regenerate them with <c>AINUR_WRITE_VECTORS=1 ./test.sh --filter-class 'Ainur.Protocol.Tests.Vectors.*'</c>,
/// review the diff, and update docs/protocol.md where a layout changed.
/// </summary>
public sealed class ProtocolVectorsTests
{
    private static bool Writing => Environment.GetEnvironmentVariable("AINUR_WRITE_VECTORS") == "1";

    public static TheoryData<string> FileNames => [.. ProtocolVectors.Files.Keys];

    [Theory]
    [MemberData(nameof(FileNames))]
    public void VectorFile_IsWhatTheReferenceCodeGenerates(string name)
    {
        var expected = VectorJson.FileText(ProtocolVectors.Files[name]());
        var path = Path.Combine(ProtocolVectors.VectorsDirectory, name);
        if (Writing)
        {
            Directory.CreateDirectory(ProtocolVectors.VectorsDirectory);
            File.WriteAllText(path, expected);
        }

        Assert.True(File.Exists(path), $"{path} is missing: run with AINUR_WRITE_VECTORS=1 to write it.");
        Assert.True(expected == File.ReadAllText(path), $"{name} differs from what the reference code generates now. If the change is intended, regenerate with AINUR_WRITE_VECTORS=1 and review the diff.");
    }

    [Fact]
    public void VectorsDirectory_HoldsOnlyGeneratedFiles()
    {
        var present = Directory.GetFiles(ProtocolVectors.VectorsDirectory).Select(Path.GetFileName).Order(StringComparer.Ordinal);

        Assert.Equal(ProtocolVectors.Files.Keys.Order(StringComparer.Ordinal), present);
    }

    [Fact]
    public void Generation_IsDeterministic()
    {
        foreach (var (name, generate) in ProtocolVectors.Files)
        {
            Assert.True(VectorJson.FileText(generate()) == VectorJson.FileText(generate()), name);
        }
    }
}
