/* SPDX-License-Identifier: MIT */
/*
 * The table of known variable-header types: name, exact body length and
 * where the compatibility mask sits. The parser, the validator and the
 * builder all ask this one table, so a type is either fully known or not
 * at all. Ids and layouts: igvm_defs 0.4.0, IgvmVariableHeaderType and
 * IGVM_VHS_*.
 */
#include <stddef.h>
#include <string.h>

#include "igvm_internal.h"

#define NO_MASK 0xffu

struct igvm_type_info {
	uint32_t type;
	const char *name;
	uint32_t size;
	uint8_t mask_off; /* offset of compatibility_mask, or NO_MASK */
};

#define WITH_MASK(id, st)                                       \
	{                                                       \
		IGVM_VHT_##id, #id, sizeof(struct st),          \
			offsetof(struct st, compatibility_mask) \
	}
/*
 * igvm_defs 0.4.0, IgvmVariableHeaderType: the parameter directives share one
 * body and carry no mask.
 */
#define PARAM(id)                                                              \
	{                                                                      \
		IGVM_VHT_##id, #id, sizeof(struct igvm_vhs_parameter), NO_MASK \
	}

static const struct igvm_type_info igvm_types[] = {
	WITH_MASK(SUPPORTED_PLATFORM, igvm_vhs_supported_platform),
	WITH_MASK(GUEST_POLICY, igvm_vhs_guest_policy),
	WITH_MASK(RELOCATABLE_REGION, igvm_vhs_relocatable_region),
	WITH_MASK(PAGE_TABLE_RELOCATION_REGION, igvm_vhs_page_table_relocation),
	WITH_MASK(CORIM_DOCUMENT, igvm_vhs_corim_data),
	WITH_MASK(CORIM_SIGNATURE, igvm_vhs_corim_data),
	WITH_MASK(CCA_POLICY, igvm_vhs_cca_policy),
	{IGVM_VHT_PARAMETER_AREA, "PARAMETER_AREA",
	 sizeof(struct igvm_vhs_parameter_area), NO_MASK},
	WITH_MASK(PAGE_DATA, igvm_vhs_page_data),
	WITH_MASK(PARAMETER_INSERT, igvm_vhs_parameter_insert),
	WITH_MASK(VP_CONTEXT, igvm_vhs_vp_context),
	WITH_MASK(REQUIRED_MEMORY, igvm_vhs_required_memory),
	PARAM(VP_COUNT_PARAMETER),
	PARAM(SRAT),
	PARAM(MADT),
	PARAM(MMIO_RANGES),
	WITH_MASK(SNP_ID_BLOCK, igvm_vhs_snp_id_block),
	PARAM(MEMORY_MAP),
	WITH_MASK(ERROR_RANGE, igvm_vhs_error_range),
	PARAM(COMMAND_LINE),
	PARAM(SLIT),
	PARAM(PPTT),
	WITH_MASK(VBS_MEASUREMENT, igvm_vhs_vbs_measurement),
	PARAM(DEVICE_TREE),
	PARAM(ENVIRONMENT_INFO_PARAMETER),
};

static const struct igvm_type_info *type_info(uint32_t type)
{
	type &= ~IGVM_VHT_OPTIONAL_BIT;
	for (size_t i = 0; i < sizeof(igvm_types) / sizeof(igvm_types[0]); i++)
		if (igvm_types[i].type == type)
			return &igvm_types[i];
	return NULL;
}

const char *igvm_type_name(uint32_t type)
{
	const struct igvm_type_info *ti = type_info(type);

	return ti ? ti->name : "UNKNOWN";
}

uint32_t igvm_type_body_size(uint32_t type)
{
	const struct igvm_type_info *ti = type_info(type);

	return ti ? ti->size : 0;
}

enum igvm_section igvm_type_section(uint32_t type)
{
	type &= ~IGVM_VHT_OPTIONAL_BIT;
	if (type >= IGVM_VHT_RANGE_PLATFORM_START &&
	    type <= IGVM_VHT_RANGE_PLATFORM_END)
		return IGVM_SECTION_PLATFORM;
	if (type >= IGVM_VHT_RANGE_INIT_START &&
	    type <= IGVM_VHT_RANGE_INIT_END)
		return IGVM_SECTION_INIT;
	if (type >= IGVM_VHT_RANGE_DIRECTIVE_START &&
	    type <= IGVM_VHT_RANGE_DIRECTIVE_END)
		return IGVM_SECTION_DIRECTIVE;
	return IGVM_SECTION_NONE;
}

bool igvm_vhdr_mask(const struct igvm_vhdr *h, uint32_t *mask)
{
	const struct igvm_type_info *ti = type_info(h->type);

	/* A header the parser did not size-check is never read here. */
	if (!ti || ti->mask_off == NO_MASK || h->length != ti->size)
		return false;
	memcpy(mask, h->body + ti->mask_off, sizeof(*mask));
	return true;
}

bool igvm_vhdr_applies(const struct igvm_vhdr *h, uint32_t platform_mask)
{
	uint32_t mask;

	if (!igvm_vhdr_mask(h, &mask))
		return true;
	return (mask & platform_mask) != 0;
}
