using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Transactions;
using Lock = Ainur.Protocol.Ledger.Transactions.EscrowLock;

namespace Ainur.Protocol.Tests.Vectors;

/// <summary>Sample values shared by several vector files.</summary>
internal static class VectorSamples
{
    /// <summary>
    /// An EscrowLock of <paramref name="amount"/> under <paramref name="escrowId"/>. Built through its constructor's
    /// parameters by name so that a field added to EscrowLock (an expiry is planned) gets a fixed sample value and the
    /// vectors regenerate with <c>AINUR_WRITE_VECTORS=1</c> alone; the new field then shows in the vectors' fields.
    /// </summary>
    public static EscrowLock EscrowLock(Did payer, Hash32 escrowId, long amount)
    {
        var constructor = typeof(EscrowLock).GetConstructors().Single();
        var arguments = constructor.GetParameters().Select(p => p.Name switch
        {
            nameof(Lock.Payer) => payer,
            nameof(Lock.EscrowId) => escrowId,
            nameof(Lock.Amount) => amount,
            _ when p.HasDefaultValue => p.DefaultValue,
            _ => SampleOf(p.ParameterType, p.Name!),
        });
        return (EscrowLock)constructor.Invoke([.. arguments]);
    }

    private static object SampleOf(Type type, string name) => type switch
    {
        _ when type == typeof(long) => (object)1_000_000L,
        _ when type == typeof(int) => (object)1_000,
        _ => throw new NotSupportedException($"EscrowLock's new parameter {name} ({type.Name}) needs a sample value in VectorSamples."),
    };
}
