using System.ComponentModel.DataAnnotations;

namespace Relay.Server.Audit;

/// <summary>How many rows one caller may leave in the audit log for reads and refusals. Section <c>Audit</c>.</summary>
internal sealed class AuditOptions
{
    public const string Section = "Audit";

    /// <summary>Rows a caller may leave at once.</summary>
    [Range(1, 1_000_000, ErrorMessage = "Audit:RowsAtOnce must be between 1 and 1000000.")]
    public int RowsAtOnce { get; init; } = 100;

    /// <summary>Rows a second a caller's allowance refills by; above it, calls are counted in a summary row.</summary>
    [Range(1, 1_000_000, ErrorMessage = "Audit:RowsPerSecond must be between 1 and 1000000.")]
    public int RowsPerSecond { get; init; } = 10;
}
