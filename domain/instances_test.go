package domain_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/oppvekst/oppvekst/domain"
)

func TestMunicipalityOfContext(t *testing.T) {
	m, all, _ := domain.MunicipalityOf(context.Background())
	assert.Empty(t, m)
	assert.False(t, all, "no municipality named: none, not all")

	ctx := domain.WithMunicipality(context.Background(), "0301")
	m, all, _ = domain.MunicipalityOf(ctx)
	assert.Equal(t, domain.Municipality("0301"), m)
	assert.False(t, all)

	across := domain.AcrossMunicipalities(ctx, "outbox dispatch")
	m, all, why := domain.MunicipalityOf(across)
	assert.True(t, all)
	assert.Empty(t, m)
	assert.Equal(t, "outbox dispatch", why)

	// A job across municipalities narrows to one for its calls about it.
	m, all, _ = domain.MunicipalityOf(domain.WithMunicipality(across, "4601"))
	assert.Equal(t, domain.Municipality("4601"), m)
	assert.False(t, all)
}
