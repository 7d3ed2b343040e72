using System.Text.Json;
using Relay.Contracts.Personnel;
using Relay.Contracts.Protocol;

namespace Relay.Tests.Unit;

public sealed class ValidityWindowTests
{
    private static readonly DateTime Noon = new(2027, 6, 1, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void AnEndIsKeptAsUtcWholeSecondsWhateverItsKind()
    {
        Assert.Equal(Noon, ValidityWindow.Normalize(Noon.AddMilliseconds(999)));
        Assert.Equal(
            DateTimeKind.Utc,
            ValidityWindow.Normalize(DateTime.SpecifyKind(Noon, DateTimeKind.Unspecified))!.Value.Kind
        );
        Assert.Equal(Noon, ValidityWindow.Normalize(DateTime.SpecifyKind(Noon, DateTimeKind.Unspecified)));
        Assert.Equal(Noon, ValidityWindow.Normalize(Noon.ToLocalTime()));
        Assert.Null(ValidityWindow.Normalize(null));

        var record = new PersonnelRecord(1, "A", "B", "12345678901", Noon.AddTicks(1), Noon.AddSeconds(1).AddTicks(5));
        Assert.Equal((Noon, Noon.AddSeconds(1)), (record.ValidFrom, record.ValidUntil));
    }

    [Fact]
    public void TheWindowHoldsItsStartAndNotItsEnd()
    {
        var record = new PersonnelRecord(1, "A", "B", "12345678901", Noon, Noon.AddHours(1));

        Assert.False(record.IsValidAt(Noon.AddTicks(-1)));
        Assert.True(record.IsValidAt(Noon));
        Assert.True(record.IsValidAt(Noon.AddHours(1).AddTicks(-1)));
        Assert.False(record.IsValidAt(Noon.AddHours(1)));
        Assert.True(new PersonnelRecord(1, "A", "B", "12345678901").IsValidAt(DateTime.MaxValue));
    }

    [Theory]
    [InlineData(0, 1, null)]
    [InlineData(1, 1, "validUntil must be later")]
    [InlineData(2, 1, "validUntil must be later")]
    public void AWindowMustLastASecond(int fromSeconds, int untilSeconds, string? problem)
    {
        var said = ValidityWindow.Problem(Noon.AddSeconds(fromSeconds), Noon.AddSeconds(untilSeconds))?.Message;

        if (problem is null)
        {
            Assert.Null(said);
        }
        else
        {
            Assert.StartsWith(problem, said);
        }
    }

    [Fact]
    public void AnEndOutsideWhatEverySideCanStoreIsNamed()
    {
        Assert.StartsWith(
            "validFrom must be between",
            ValidityWindow.Problem(new DateTime(1969, 12, 31, 0, 0, 0, DateTimeKind.Utc), null)?.Message
        );

        // The last second a DateTime holds is the last MySQL's DATETIME holds: it is kept as that second.
        Assert.Null(ValidityWindow.Problem(null, DateTime.MaxValue));
        Assert.Equal(ValidityWindow.Latest, ValidityWindow.Normalize(DateTime.MaxValue));
        Assert.Null(ValidityWindow.Problem(DateTime.UnixEpoch, ValidityWindow.Latest));
    }

    [Fact]
    public void ARowWithoutAWindowTravelsAsBeforeAndOneWithAWindowNamesItsEnds()
    {
        var plain = JsonSerializer.Serialize(
            new PersonnelRecord(1, "A", "B", "12345678901"),
            RelayJsonContext.Default.PersonnelRecord
        );
        var windowed = JsonSerializer.Serialize(
            new PersonnelRecord(1, "A", "B", "12345678901", null, Noon),
            RelayJsonContext.Default.PersonnelRecord
        );

        Assert.Equal("""{"id":1,"name":"A","surname":"B","ssn":"12345678901"}""", plain);
        Assert.Equal(
            """{"id":1,"name":"A","surname":"B","ssn":"12345678901","validUntil":"2027-06-01T12:00:00Z"}""",
            windowed
        );
        Assert.Equal(Noon, JsonSerializer.Deserialize(windowed, RelayJsonContext.Default.PersonnelRecord)!.ValidUntil);
    }
}
