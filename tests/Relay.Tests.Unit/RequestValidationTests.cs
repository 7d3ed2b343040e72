using Relay.Contracts.Api;
using Relay.Contracts.Personnel;
using Relay.Server.Clients;
using Relay.Server.Http;
using Relay.Server.Personnel;

namespace Relay.Tests.Unit;

public sealed class RequestValidationTests
{
    [Fact]
    public void AValidPersonnelHasNoErrors()
    {
        Assert.Empty(RequestValidation.Validate(new PersonnelRequest("Isaac", "Newton", "12345678900")));
    }

    [Fact]
    public void MissingPersonnelFieldsAreEachNamed()
    {
        var errors = RequestValidation.Validate(new PersonnelRequest(null, "", null));

        Assert.Equal(["name", "ssn", "surname"], errors.Keys.Order());
    }

    [Theory]
    [InlineData("1234567890")]
    [InlineData("123456789012")]
    [InlineData("1234567890a")]
    [InlineData("١٢٣٤٥٦٧٨٩٠١")]
    public void AnSsnThatIsNotElevenAsciiDigitsIsRefused(string ssn)
    {
        var errors = RequestValidation.Validate(new PersonnelRequest("Isaac", "Newton", ssn));

        Assert.Equal(["ssn"], errors.Keys);
        Assert.False(Ssn.IsValid(ssn));
    }

    [Fact]
    public void ANameLongerThanTheColumnIsRefused()
    {
        var errors = RequestValidation.Validate(new PersonnelRequest(new string('a', 101), "Newton", "12345678900"));

        Assert.Equal(["name"], errors.Keys);
    }

    [Theory]
    [InlineData("not a host!", 5001, "host")]
    [InlineData("127.0.0.1", 0, "port")]
    [InlineData("127.0.0.1", 65536, "port")]
    [InlineData("", 5001, "host")]
    public void AClientWithABadAddressIsRefusedNamingTheField(string host, int port, string field)
    {
        var errors = RequestValidation.Validate(new ClientRequest("Client", host, port));

        Assert.Equal([field], errors.Keys);
    }

    [Fact]
    public void HostNamesAndAddressesAreAccepted()
    {
        Assert.Empty(RequestValidation.Validate(new ClientRequest("a", "client1", 5001)));
        Assert.Empty(RequestValidation.Validate(new ClientRequest("b", "edge-7.example.com", 1)));
        Assert.Empty(RequestValidation.Validate(new ClientRequest("c", "::1", 65535)));
    }

    [Theory]
    [InlineData(0, null, "limit")]
    [InlineData(1001, null, "limit")]
    [InlineData(null, -1L, "afterId")]
    public void PagingOutOfRangeIsRefused(int? limit, long? afterId, string field)
    {
        Assert.Equal([field], Paging.Validate(limit, afterId).Keys);
    }

    [Theory]
    [InlineData("12345678900", true)]
    [InlineData("1234567890", false)]
    [InlineData("123456789001", false)]
    [InlineData("12345678900\n", false)]
    [InlineData("1234567890a", false)]
    [InlineData("١٢٣٤٥٦٧٨٩٠١", false)]
    [InlineData("", false)]
    public void TheApiAndTheClientsHoldOneSsnRule(string ssn, bool valid)
    {
        var api = RequestValidation.Validate(new PersonnelRequest("Ada", "Lovelace", ssn));

        Assert.Equal(valid, Ssn.IsValid(ssn));
        Assert.Equal(valid, api.Count == 0);
    }
}
